package dev.conversationworker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;

import dev.conversationworker.history.HistoryWindow;
import dev.conversationworker.model.Trigger;
import dev.conversationworker.model.TriggerType;
import dev.conversationworker.ops.MetricLabels.SkipReason;

/**
 * How the skip-checks are judged, all started at once: the first that says skip wins, in the order published,
 * waiting; what is no longer needed is cancelled, and its failure fails nothing.
 */
class ReadHistoryStepTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final HistoryWindow WINDOW = new HistoryWindow(2, 0, List.of("a", "b"));
    private static final Uni<Void> NOTHING_ALONGSIDE = Uni.createFrom().voidItem();

    private final List<SkipReason> skipped = new ArrayList<>();

    @Test
    void aPublishedTriggerIsSkippedWithoutWaitingForTheRestWhichIsCancelled() {
        AtomicBoolean readCancelled = new AtomicBoolean();
        Uni<HistoryWindow> endlessRead = Uni.createFrom().<HistoryWindow>nothing()
                .onCancellation().invoke(() -> readCancelled.set(true));

        HistoryWindow read = ReadHistoryStep.judge(Uni.createFrom().item(true), NOTHING_ALONGSIDE,
                Uni.createFrom().failure(new IllegalStateException("waiting check broken")), endlessRead,
                skipped::add).await().atMost(WAIT);

        assertThat(read).isNull();
        assertThat(skipped).containsExactly(SkipReason.ALREADY_PUBLISHED);
        assertThat(readCancelled).isTrue();
    }

    @Test
    void aWaitingTriggerIsSkippedAndAFailedReadDoesNotFailIt() {
        HistoryWindow read = ReadHistoryStep.judge(Uni.createFrom().item(false), NOTHING_ALONGSIDE,
                Uni.createFrom().item(true), Uni.createFrom().failure(new IllegalStateException("read broken")),
                skipped::add).await().atMost(WAIT);

        assertThat(read).isNull();
        assertThat(skipped).containsExactly(SkipReason.WAITING);
    }

    @Test
    void aTriggerNeitherPublishedNorWaitingGetsItsHistory() {
        HistoryWindow read = ReadHistoryStep.judge(Uni.createFrom().item(false), NOTHING_ALONGSIDE,
                Uni.createFrom().item(false), Uni.createFrom().item(WINDOW), skipped::add).await().atMost(WAIT);

        assertThat(read).isSameAs(WINDOW);
        assertThat(skipped).isEmpty();
    }

    @Test
    void aFailedCheckThatWasNeededFailsTheTrigger() {
        assertThatThrownBy(() -> ReadHistoryStep.judge(Uni.createFrom().item(false), NOTHING_ALONGSIDE,
                Uni.createFrom().failure(new IllegalStateException("waiting check broken")),
                Uni.createFrom().item(WINDOW), skipped::add).await().atMost(WAIT))
                .hasMessage("waiting check broken");
        assertThat(skipped).isEmpty();
    }

    @Test
    void theWriteATriggerOwesMustSucceedEvenWhenItsAnalysisWasPublished() {
        assertThatThrownBy(() -> ReadHistoryStep.judge(Uni.createFrom().item(true),
                Uni.createFrom().failure(new IllegalStateException("disarm failed")), Uni.createFrom().item(false),
                Uni.createFrom().item(WINDOW), skipped::add).await().atMost(WAIT))
                .hasMessage("disarm failed");
    }

    @Test
    void onlyAnIdleOrProgressAnalysisIsSkippedWhenTheHistoryExpired() {
        OffsetDateTime at = OffsetDateTime.parse("2026-12-02T05:00:00Z");
        HistoryWindow expired = new HistoryWindow(0, 0, List.of());

        assertThat(ReadHistoryStep.historyExpired(Trigger.idle("c", "e", at), expired)).isTrue();
        assertThat(
                ReadHistoryStep.historyExpired(new Trigger("c", "e", TriggerType.CONVERSATION_PROGRESS, at), expired))
                .isTrue();
        assertThat(ReadHistoryStep.historyExpired(new Trigger("c", "e", TriggerType.CONVERSATION_CLOSED, at), expired))
                .as("a closed conversation is analysed, empty or not").isFalse();
        assertThat(ReadHistoryStep.historyExpired(Trigger.idle("c", "e", at), WINDOW)).isFalse();
    }
}
