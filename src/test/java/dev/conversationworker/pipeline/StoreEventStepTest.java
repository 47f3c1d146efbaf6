package dev.conversationworker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.context.Context;

import dev.conversationworker.history.ConversationHistory.Appended;
import dev.conversationworker.model.ChatEvent;
import dev.conversationworker.model.EventType;
import dev.conversationworker.model.Role;
import dev.conversationworker.ops.WorkerMetrics;
import dev.conversationworker.pseudonymise.PseudonymiseConfig;
import dev.conversationworker.pseudonymise.Pseudonymiser;
import dev.conversationworker.testsupport.TestConfigs;

/**
 * What storing a message decides: whether an idle timer is armed, which messages are due a progress analysis, and,
 * with {@code pseudonymise.in-history}, what text Redis may keep.
 */
class StoreEventStepTest {

    private static final ChatEvent MESSAGE = new ChatEvent("e-1", EventType.MESSAGE, "c-1",
            OffsetDateTime.parse("2026-12-02T05:00:00Z"), Role.USER, "Write to jane.doe@example.com", "u-1", "web",
            null, Map.of());
    private static final TracedEvent EVENT = new TracedEvent(Context.root(), "c-1", "e-1");
    private static final Map<String, String> IN_HISTORY = Map.of("pseudonymise.in-history", "true",
            "pseudonymise.history-key", "k".repeat(32));

    @Test
    void storedPseudonymisedAMessageKeepsTokensNotValues() {
        StoreEventStep step = storing(new Pseudonymiser(), new SimpleMeterRegistry());

        String stored = step.tokeniseOrWithhold(MESSAGE, EVENT).text();

        assertThat(stored).startsWith("Write to ⟦EMAIL:").doesNotContain("jane");
        assertThat(step.tokeniseOrWithhold(MESSAGE, EVENT).text()).as("the same value, the same token")
                .isEqualTo(stored);
    }

    @Test
    void aMessageThatCannotBePseudonymisedIsStoredWithItsTextWithheld() {
        Pseudonymiser broken = new Pseudonymiser() {

            @Override
            public String tokenise(String text, byte[] key) {
                throw new IllegalStateException("cannot handle " + text);
            }
        };
        SimpleMeterRegistry registry = new SimpleMeterRegistry();

        ChatEvent stored = storing(broken, registry).tokeniseOrWithhold(MESSAGE, EVENT);

        assertThat(stored.text()).isEqualTo(StoreEventStep.WITHHELD);
        assertThat(stored.eventId()).isEqualTo(MESSAGE.eventId());
        assertThat(registry.get("cw.pseudonymise.failures").tag("where", "history").counter().count()).isEqualTo(1);
    }

    private static StoreEventStep storing(Pseudonymiser pseudonymiser, SimpleMeterRegistry registry) {
        // Neither Redis nor the CPU pool: only what the step decides about the text.
        return new StoreEventStep(null, null, null, null, new WorkerMetrics(registry), null, pseudonymiser,
                TestConfigs.mapping(PseudonymiseConfig.class, IN_HISTORY));
    }

    @Test
    void everyNthMessageIsDueAProgressAnalysisARedeliveredOneToo() {
        assertThat(LongStream.rangeClosed(1, 10).filter(n -> StoreEventStep.progressDue(new Appended(true, n), 3))
                .boxed())
                .containsExactly(3L, 6L, 9L);
        // A redelivery: its analysis may have been cut short by a crash; if published already, it is skipped later.
        assertThat(StoreEventStep.progressDue(new Appended(false, 6), 3)).isTrue();
    }

    @Test
    void noProgressAnalysisWhenTheyAreOffOrTheSequenceIsUnknown() {
        assertThat(StoreEventStep.progressDue(new Appended(true, 4), 0)).isFalse();
        assertThat(StoreEventStep.progressDue(new Appended(true, 0), 1)).isFalse();
    }

    @Test
    void aTimerIsArmedOnlyForAPositiveIdleAfter() {
        assertThat(StoreEventStep.idleAfter(Duration.ofMinutes(10))).isEqualTo(Duration.ofMinutes(10));
        assertThat(StoreEventStep.idleAfter(Duration.ZERO)).isZero();
        assertThat(StoreEventStep.idleAfter(Duration.ofSeconds(-1))).isZero();
    }
}
