package dev.conversationworker.pipeline;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import jakarta.inject.Singleton;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;

import dev.conversationworker.formatting.FormattingConfig;
import dev.conversationworker.history.ConversationHistory;
import dev.conversationworker.history.HistoryWindow;
import dev.conversationworker.model.Trigger;
import dev.conversationworker.ops.EventLogFields;
import dev.conversationworker.ops.MetricLabels.SkipReason;
import dev.conversationworker.ops.MetricLabels.Stage;
import dev.conversationworker.ops.WorkerMetrics;
import dev.conversationworker.support.LogSafe;
import dev.conversationworker.support.TransientFailures;
import dev.conversationworker.waiting.WaitingAnalyses;

/**
 * Step 3, skip-checks and read: a trigger's analysis is skipped when it was published already or waits for an LLM
 * (the trigger is a redelivery, and the waiting room publishes it): analysing it again could only repeat it, or
 * publish a second, different result under the same {@code analysisId}. Otherwise the conversation is read as it
 * stood at the trigger. How the checks are judged ({@link #judge}) is tested on its own; the Redis calls by the
 * integration tests.
 */
@Singleton
class ReadHistoryStep {

    private final StepRunner steps;
    private final ConversationHistory history;
    private final WaitingAnalyses waiting;
    private final WorkerMetrics metrics;
    private final int readBudget;
    private final int readPerMessage;

    ReadHistoryStep(StepRunner steps, ConversationHistory history, WaitingAnalyses waiting, WorkerMetrics metrics,
            FormattingConfig formatting) {
        this.steps = steps;
        this.history = history;
        this.waiting = waiting;
        this.metrics = metrics;
        this.readBudget = formatting.maxChars();
        this.readPerMessage = formatting.maxMessageChars();
    }

    /**
     * The two checks, the history read and {@code alongside} (a write the trigger owes, such as disarming its idle
     * timer) go to Redis together: an analysis holds an in-flight slot, and with the slots full it is one round trip
     * that it waits before its LLM call, not four.
     *
     * @param offset the trigger's offset: only the messages stored before it are read
     * @return the conversation to analyse, or null when the analysis is skipped (counted, with its reason)
     */
    Uni<HistoryWindow> readUnlessSkipped(Trigger trigger, int partition, long offset, TracedEvent event,
            Uni<Void> alongside) {
        String analysisId = trigger.analysisId();
        return Uni.createFrom().deferred(() -> judge(
                steps.untilDone(Stage.PUBLISHED_CHECK, event,
                        () -> wasPublished(trigger.conversationId(), analysisId)),
                alongside,
                steps.untilDone(Stage.WAITING_CHECK, event, () -> waiting.isWaiting(analysisId)),
                steps.untilDone(Stage.HISTORY_READ, event, () -> history.readBefore(trigger.conversationId(),
                        partition, offset, readBudget, readPerMessage)),
                metrics::analysisSkipped))
                .map(window -> {
                    if (window != null && historyExpired(trigger, window)) {
                        metrics.analysisSkipped(SkipReason.HISTORY_EXPIRED);
                        return null;
                    }
                    return window;
                });
    }

    /**
     * Judges the checks in the order they used to run, all started at once: a published trigger is skipped without
     * waiting for the rest, which is cancelled (ending its retries), and a failed waiting check or read fails only a
     * trigger that needed it.
     *
     * @return the read, or null when skipped (told to {@code skipped})
     */
    static Uni<HistoryWindow> judge(Uni<Boolean> published, Uni<Void> alongside, Uni<Boolean> waiting,
            Uni<HistoryWindow> read, Consumer<SkipReason> skipped) {
        Started<Boolean> waits = new Started<>(waiting);
        Started<HistoryWindow> window = new Started<>(read);
        return Uni.combine().all().unis(published, alongside.replaceWith(Boolean.TRUE)).asTuple()
                .chain(done -> {
                    if (done.getItem1()) {
                        skipped.accept(SkipReason.ALREADY_PUBLISHED);
                        return Uni.createFrom().<HistoryWindow>nullItem();
                    }
                    return waits.result().chain(isWaiting -> {
                        if (isWaiting) {
                            skipped.accept(SkipReason.WAITING);
                            return Uni.createFrom().<HistoryWindow>nullItem();
                        }
                        return window.result();
                    });
                })
                .onTermination().invoke(() -> {
                    waits.cancel();
                    window.cancel();
                });
    }

    /** An idle or progress analysis of a conversation whose history expired meanwhile is not made. */
    static boolean historyExpired(Trigger trigger, HistoryWindow window) {
        return window.messageCount() == 0
                && trigger.type().derived();
    }

    /** Whether the trigger's analysis was published already: the check alone, for what has no history to read. */
    Uni<Boolean> alreadyPublished(String conversationId, String analysisId, TracedEvent event) {
        return steps.untilDone(Stage.PUBLISHED_CHECK, event, () -> wasPublished(conversationId, analysisId));
    }

    /** Counts an analysis skipped by {@link #alreadyPublished}. */
    Uni<Void> skipped(SkipReason reason) {
        return Uni.createFrom().voidItem().invoke(() -> metrics.analysisSkipped(reason));
    }

    /** The conversation's message count at an offset, 0 if it cannot be read: no retries, no text. */
    Uni<Integer> messageCount(String conversationId, int partition, long offset) {
        return history.readBefore(conversationId, partition, offset, 0, 1).map(HistoryWindow::messageCount)
                .onFailure().recoverWithItem(0);
    }

    /**
     * The marks of published analyses only save repeats: if they cannot be read (a key damaged by hand, say), the
     * trigger is analysed as if nothing was published, rather than failed.
     */
    private Uni<Boolean> wasPublished(String conversationId, String analysisId) {
        return history.wasPublished(conversationId, analysisId)
                .onFailure(failure -> !TransientFailures.isTransient(failure)).recoverWithItem(failure -> {
                    EventLogFields.log(conversationId, null,
                            () -> PipelineLog.LOG.publishedMarksUnreadable(LogSafe.oneLine(conversationId),
                                    LogSafe.oneLine(failure.getMessage())));
                    return false;
                });
    }

    /**
     * A step subscribed at once, so that it runs alongside others, and awaited only if its result turns out to be
     * needed; otherwise cancelled (which ends its retries).
     */
    private static final class Started<T> {

        private final CompletableFuture<T> outcome = new CompletableFuture<>();
        private final Cancellable subscription;

        Started(Uni<T> step) {
            this.subscription = step.subscribe().with(outcome::complete, outcome::completeExceptionally);
        }

        Uni<T> result() {
            return Uni.createFrom().completionStage(outcome);
        }

        void cancel() {
            subscription.cancel();
        }
    }
}
