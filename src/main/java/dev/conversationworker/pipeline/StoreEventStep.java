package dev.conversationworker.pipeline;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import jakarta.inject.Singleton;

import io.smallrye.mutiny.Uni;

import dev.conversationworker.history.ConversationHistory;
import dev.conversationworker.history.ConversationHistory.Appended;
import dev.conversationworker.idle.IdleSchedule;
import dev.conversationworker.model.ChatEvent;
import dev.conversationworker.model.Trigger;
import dev.conversationworker.ops.MetricLabels.PseudonymiseFailure;
import dev.conversationworker.ops.MetricLabels.Stage;
import dev.conversationworker.ops.WorkerMetrics;
import dev.conversationworker.pseudonymise.PseudonymiseConfig;
import dev.conversationworker.pseudonymise.Pseudonymiser;
import dev.conversationworker.schedule.AnalysisConfig;
import dev.conversationworker.support.LogSafe;

/**
 * Step 2, what an event writes before any analysis: a message is appended to its conversation's history, arming
 * its idle timer in the same atomic step; a trigger disarms that timer. What it decides (whether a timer is armed,
 * whether a message is due a progress analysis) is tested on its own; the Redis writes by the integration tests.
 */
@Singleton
class StoreEventStep {

    /** What a message stored pseudonymised says when even that failed: nothing of its text is kept. */
    static final String WITHHELD = "(message withheld: it could not be pseudonymised)";

    private final StepRunner steps;
    private final ConversationHistory history;
    private final IdleSchedule idle;
    private final AnalysisConfig triggers;
    private final WorkerMetrics metrics;
    private final CpuWorkPool cpu;
    private final Pseudonymiser pseudonymiser;
    private final byte[] historyKey;

    StoreEventStep(StepRunner steps, ConversationHistory history, IdleSchedule idle, AnalysisConfig triggers,
            WorkerMetrics metrics, CpuWorkPool cpu, Pseudonymiser pseudonymiser, PseudonymiseConfig pseudonymise) {
        this.steps = steps;
        this.history = history;
        this.idle = idle;
        this.triggers = triggers;
        this.metrics = metrics;
        this.cpu = cpu;
        this.pseudonymiser = pseudonymiser;
        // Checked at start-up (ConfigurationCheck): set, and long enough, whenever it is used.
        this.historyKey = pseudonymise.inHistory()
                ? pseudonymise.historyKey().orElse("").getBytes(StandardCharsets.UTF_8)
                : null;
    }

    /**
     * Stores the message and arms its conversation's idle timer. A redelivered message arms nothing.
     *
     * @return the message's {@code conversation.progress} trigger when it is every
     *         {@code analysis.every-messages}-th, else null
     */
    Uni<Trigger> storeMessage(ChatEvent message, int partition, long offset, TracedEvent event) {
        Duration idleAfter = idleAfter(triggers.idle().after());
        Uni<ChatEvent> stored = historyKey == null
                ? Uni.createFrom().item(message)
                : cpu.run(() -> tokeniseOrWithhold(message, event));
        return stored.chain(toStore -> steps.untilDone(Stage.HISTORY_APPEND, event,
                () -> history.append(toStore, historyKey != null, partition, offset, idleAfter)))
                .map(appended -> {
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

    /** {@code pseudonymise.in-history}: the text as Redis may keep it, or withheld if it cannot be pseudonymised. */
    ChatEvent tokeniseOrWithhold(ChatEvent message, TracedEvent event) {
        try {
            return message.withText(pseudonymiser.tokenise(message.text(), historyKey));
        } catch (RuntimeException | StackOverflowError failure) {
            metrics.pseudonymiseFailed(PseudonymiseFailure.HISTORY);
            event.log(() -> PipelineLog.LOG.notPseudonymisedForHistory(LogSafe.oneLine(message.eventId()),
                    LogSafe.oneLine(message.conversationId()), failure.getClass().getName()));
            return message.withText(WITHHELD);
        }
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
