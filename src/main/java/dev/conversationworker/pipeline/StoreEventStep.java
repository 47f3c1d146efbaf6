package dev.conversationworker.pipeline;

import java.time.Duration;

import jakarta.inject.Singleton;

import io.smallrye.mutiny.Uni;

import dev.conversationworker.history.ConversationHistory;
import dev.conversationworker.history.ConversationHistory.Appended;
import dev.conversationworker.idle.IdleSchedule;
import dev.conversationworker.model.ChatEvent;
import dev.conversationworker.model.Trigger;
import dev.conversationworker.ops.MetricLabels.Stage;
import dev.conversationworker.ops.WorkerMetrics;
import dev.conversationworker.schedule.AnalysisConfig;

/**
 * Step 2, what an event writes before any analysis: a message is appended to its conversation's history, arming
 * its idle timer in the same atomic step; a trigger disarms that timer. What it decides (whether a timer is armed,
 * whether a message is due a progress analysis) is tested on its own; the Redis writes by the integration tests.
 */
@Singleton
class StoreEventStep {

    private final StepRunner steps;
    private final ConversationHistory history;
    private final IdleSchedule idle;
    private final AnalysisConfig triggers;
    private final WorkerMetrics metrics;

    StoreEventStep(StepRunner steps, ConversationHistory history, IdleSchedule idle, AnalysisConfig triggers,
            WorkerMetrics metrics) {
        this.steps = steps;
        this.history = history;
        this.idle = idle;
        this.triggers = triggers;
        this.metrics = metrics;
    }

    /**
     * Stores the message and arms its conversation's idle timer. A redelivered message arms nothing.
     *
     * @return the message's {@code conversation.progress} trigger when it is every
     *         {@code analysis.every-messages}-th, else null
     */
    Uni<Trigger> storeMessage(ChatEvent message, int partition, long offset, TracedEvent event) {
        Duration idleAfter = idleAfter(triggers.idle().after());
        return steps.untilDone(Stage.HISTORY_APPEND, event, () -> history.append(message, partition, offset,
                idleAfter)).map(appended -> {
                    if (!appended.appended()) {
                        metrics.duplicateMessage();
                    } else if (!idleAfter.isZero()) {
                        metrics.conversationArmed();
                    }
                    if (!progressDue(appended, triggers.everyMessages())) {
                        return null;
                    }
                    metrics.progressAnalysisStarted();
                    return Trigger.progress(message);
                });
    }

    /**
     * A trigger's write, done alongside its analysis' reads: it disarms its conversation's idle timer (when it came
     * after the last message).
     */
    Uni<Void> disarmIdleTimer(ChatEvent trigger, int partition, long offset, TracedEvent event) {
        return idleAfter(triggers.idle().after()).isZero()
                ? Uni.createFrom().voidItem()
                : steps.untilDone(Stage.IDLE_DISARM, event,
                        () -> idle.disarm(trigger.conversationId(), partition, offset)).replaceWithVoid();
    }

    /** {@code analysis.idle.after}, zero (no timers) when not positive. */
    static Duration idleAfter(Duration configured) {
        return configured.isNegative() ? Duration.ZERO : configured;
    }

    /**
     * Every {@code every}-th message of a conversation (0: none) is analysed, a redelivered one too: its analysis,
     * if published already, is skipped then; if cut short by a crash before publishing, it is done now.
     */
    static boolean progressDue(Appended appended, int every) {
        return every > 0 && appended.sequence() > 0 && appended.sequence() % every == 0;
    }
}
