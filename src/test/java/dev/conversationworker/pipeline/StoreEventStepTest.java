package dev.conversationworker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

import dev.conversationworker.history.ConversationHistory.Appended;

/** What storing a message decides: whether an idle timer is armed, and which messages are due a progress analysis. */
class StoreEventStepTest {

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
