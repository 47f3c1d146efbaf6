package dev.conversationworker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.context.Context;

import dev.conversationworker.formatting.ConversationFormatter;
import dev.conversationworker.history.HistoryCodec;
import dev.conversationworker.history.HistoryWindow;
import dev.conversationworker.ingest.WorkerConfig;
import dev.conversationworker.model.FormattedConversation;
import dev.conversationworker.model.HistoryEntry;
import dev.conversationworker.model.Pseudonymisation;
import dev.conversationworker.ops.WorkerMetrics;
import dev.conversationworker.pseudonymise.PseudonymiseConfig;
import dev.conversationworker.pseudonymise.Pseudonymiser;
import dev.conversationworker.pseudonymise.Pseudonyms;
import dev.conversationworker.testsupport.TestConfigs;

/** What the step hands the LLM: placeholders, one table per conversation, and nothing at all when it fails. */
class PseudonymiseStepTest {

    private static final ConversationFormatter FORMATTER = new ConversationFormatter(2000, 500);
    private static final TracedEvent EVENT = new TracedEvent(Context.root(), "c-1", "e-1");
    private static final Duration AWAIT = Duration.ofSeconds(5);

    private final CpuWorkPool cpu = new CpuWorkPool(TestConfigs.mapping(WorkerConfig.class, Map.of()));
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @AfterEach
    void stopPool() {
        cpu.shutdown();
    }

    @Test
    void eachValueKeepsOnePlaceholderAcrossTheMessagesAndTheRecordCountsThem() {
        ReadPseudonyms read = step(new Pseudonymiser(), Map.of()).inThisRead(conversation(
                "Mail me at jane.doe@example.com", "Agent: noted",
                "Sorry, jane.doe@example.com or ops@example.org"), EVENT);
        DecodedConversation done = read.conversation();

        assertThat(done.formatted().text()).contains("1. [USER]: Mail me at <EMAIL_1>")
                .contains("3. [USER]: Sorry, <EMAIL_1> or <EMAIL_2>").doesNotContain("@example");
        assertThat(done.entries().get(2).text()).isEqualTo("Sorry, <EMAIL_1> or <EMAIL_2>");
        assertThat(done.formatted().pseudonymisation())
                .isEqualTo(new Pseudonymisation(Pseudonymisation.Status.APPLIED, Map.of("email", 2), false));
        assertThat(done.formatted().originals()).as("kept only when restoring is on").isEmpty();
        assertThat(done.withheld()).isFalse();
        assertThat(registry.get("cw.pseudonymised.values").tag("kind", "email").counter().count()).isEqualTo(2);
        assertThat(registry.get("cw.pseudonymised.values").tag("kind", "card").counter().count())
                .as("every kind's series exists from the start").isZero();
        assertThat(read.fingerprints()).hasSize(2).allMatch(f -> f.matches("EMAIL\\|[0-9a-f]{32}"))
                .as("no value in what Redis keeps").noneMatch(f -> f.contains("example"));
        assertThat(ReadPseudonyms.fingerprints("c-2", read.values())).as("scoped to the conversation")
                .doesNotContainAnyElementsOf(read.fingerprints());
    }

    @Test
    void theConversationsOwnNumbersReplaceThoseOfTheReadInOnePass() {
        ReadPseudonyms read = step(new Pseudonymiser(), Map.of())
                .inThisRead(conversation("New address new@example.com; the old one was old@example.com"), EVENT);

        // Redis knew the old address as the first: the two placeholders swap.
        DecodedConversation done = read.renumbered(List.of(2, 1), true);

        assertThat(done.formatted().text()).endsWith("New address <EMAIL_2>; the old one was <EMAIL_1>");
        assertThat(done.entries().get(0).text()).isEqualTo("New address <EMAIL_2>; the old one was <EMAIL_1>");
        assertThat(done.formatted().originals()).containsEntry("<EMAIL_2>", "new@example.com")
                .containsEntry("<EMAIL_1>", "old@example.com");
        assertThat(read.renumbered(List.of(2, 1), false).formatted().originals())
                .as("kept only when restoring is on").isEmpty();
    }

    @Test
    void whenItFailsTheTextIsWithheldCountedAndNotLogged() {
        Pseudonymiser broken = new Pseudonymiser() {

            @Override
            public String pseudonymise(String text, Pseudonyms pseudonyms) {
                throw new IllegalStateException("cannot handle " + text);
            }
        };
        DecodedConversation done = step(broken, Map.of())
                .pseudonymise(conversation("I am jane.doe@example.com"), EVENT).await().atMost(AWAIT);

        assertThat(done.withheld()).isTrue();
        assertThat(done.formatted().text()).isEmpty();
        assertThat(done.formatted().pseudonymisation()).isEqualTo(Pseudonymisation.FAILED);
        assertThat(done.formatted().messageCount()).isEqualTo(1);
        assertThat(registry.get("cw.pseudonymise.failures").tag("where", "analysis").counter().count())
                .isEqualTo(1);
    }

    @Test
    void turnedOffTheTextIsSentAsTypedAndTheRecordSaysSo() {
        DecodedConversation done = step(new Pseudonymiser(), Map.of("pseudonymise.enabled", "false"))
                .pseudonymise(conversation("I am jane.doe@example.com"), EVENT).await().atMost(AWAIT);

        assertThat(done.formatted().text()).contains("jane.doe@example.com");
        assertThat(done.formatted().pseudonymisation()).isEqualTo(Pseudonymisation.OFF);
    }

    @Test
    void aConversationParkedRawByAnOlderVersionIsPseudonymisedBeforeItIsAskedAgain() {
        PseudonymiseStep step = step(new Pseudonymiser(), Map.of());
        FormattedConversation parked = new FormattedConversation("1. [USER]: I am jane.doe@example.com", 1, 1,
                false);

        FormattedConversation resumed = step.pseudonymiseParked(parked, EVENT).await().atMost(AWAIT);

        assertThat(resumed.text()).isEqualTo("1. [USER]: I am <EMAIL_1>");
        assertThat(resumed.pseudonymisation().status()).isEqualTo(Pseudonymisation.Status.APPLIED);
        assertThat(step.pseudonymiseParked(resumed, EVENT).await().atMost(AWAIT)).as("not twice").isSameAs(resumed);
    }

    private PseudonymiseStep step(Pseudonymiser pseudonymiser, Map<String, String> settings) {
        // No StepRunner nor Redis: the conversation's own numbers are the integration tests' part.
        return new PseudonymiseStep(null, cpu, pseudonymiser, FORMATTER, null,
                TestConfigs.mapping(PseudonymiseConfig.class, settings), new WorkerMetrics(registry));
    }

    private static DecodedConversation conversation(String... texts) {
        List<String> stored = new java.util.ArrayList<>();
        for (int i = 0; i < texts.length; i++) {
            String role = texts[i].startsWith("Agent: ") ? "agent" : "user";
            String text = texts[i].startsWith("Agent: ") ? texts[i].substring(7) : texts[i];
            stored.add(HistoryCodec.encode(new HistoryEntry("e" + i, role, text, "2026-12-02T05:00:00Z", 0, (long) i)));
        }
        return DecodedConversation.of(new HistoryWindow(texts.length, 0, stored), FORMATTER);
    }
}
