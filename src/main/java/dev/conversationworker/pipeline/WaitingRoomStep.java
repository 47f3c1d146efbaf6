package dev.conversationworker.pipeline;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;

import dev.conversationworker.model.AnalysisOutcome;
import dev.conversationworker.model.FormattedConversation;
import dev.conversationworker.model.OfflineReason;
import dev.conversationworker.model.Trigger;
import dev.conversationworker.model.WaitingAnalysis;
import dev.conversationworker.ops.MetricLabels.SkipReason;
import dev.conversationworker.ops.MetricLabels.Stage;
import dev.conversationworker.ops.MetricLabels.WaitEvent;
import dev.conversationworker.ops.WorkerMetrics;
import dev.conversationworker.schedule.AnalysisConfig;
import dev.conversationworker.waiting.OutageAnnouncer;
import dev.conversationworker.waiting.WaitingAnalyses;

/**
 * Park-or-publish, and the waiting room's steps: an analysis no LLM could be reached for waits in Redis, outside the
 * in-flight slots ({@link #park}), and is asked again later; answered, or waited {@code analysis.max-wait}, it is
 * published and leaves. What it decides ({@link #takes}, {@link #afterAnotherAttempt}, {@link #notKept}) is tested
 * on its own; the Redis calls by {@code WaitingSurvivesCrashIT} and the other waiting-room tests.
 */
@Singleton
class WaitingRoomStep {

    private static final Logger LOG = Logger.getLogger(ConversationPipeline.class);

    private final StepRunner steps;
    private final WaitingAnalyses waiting;
    private final AnalysisConfig.Waiting config;
    private final OutageAnnouncer outage;
    private final PublishStep publish;
    private final WorkerMetrics metrics;
    private final Clock clock;

    WaitingRoomStep(StepRunner steps, WaitingAnalyses waiting, AnalysisConfig analysis, OutageAnnouncer outage,
            PublishStep publish, WorkerMetrics metrics, Clock clock) {
        this.steps = steps;
        this.waiting = waiting;
        this.config = analysis.waiting();
        this.outage = outage;
        this.publish = publish;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Whether this outcome waits for an LLM rather than being published ({@code analysis.max-wait} 0: never). */
    boolean takes(AnalysisOutcome outcome) {
        return takes(outcome, config.maxWait());
    }

    static boolean takes(AnalysisOutcome outcome, Duration maxWait) {
        return outcome.llmUnreachable() && !maxWait.isZero();
    }

    /**
     * The analysis waits, and its trigger is done with; on-call is told of the first one of an outage. If too many
     * wait already, it is published as failed now.
     */
    Uni<Void> park(Trigger trigger, FormattedConversation conversation, AnalysisOutcome outcome,
            TracedEvent event) {
        WaitingAnalysis analysis = WaitingAnalysis.of(trigger, conversation, outcome, clock.instant());
        return steps.untilDone(Stage.WAIT_PARK, event, () -> waiting.park(analysis)).chain(parked -> {
            metrics.waiting(switch (parked) {
                case WAITING -> WaitEvent.WAITING;
                case ALREADY_WAITING -> WaitEvent.ALREADY_WAITING;
                case FULL -> WaitEvent.FULL;
            });
            return switch (parked) {
                // Waiting for the fleet's budget is not an outage: the budget's own alarm told on-call.
                case WAITING -> outcome.offlineReason() == OfflineReason.BUDGET_SPENT
                        ? Uni.createFrom().voidItem()
                        : steps.untilDone(Stage.PUBLISH_NOTIFICATION, event, () -> outage.analysisWaiting(analysis));
                case ALREADY_WAITING -> Uni.createFrom().voidItem();
                case FULL -> publish.publish(analysis.toRecord(notKept(outcome, config.maxWaiting()), publish.now()),
                        OffsetDateTime.parse(analysis.triggeredAt()), event);
            };
        });
    }

    /** The waiting room is full: the analysis is published as failed, with why it was not kept. */
    static AnalysisOutcome notKept(AnalysisOutcome outcome, int maxWaiting) {
        return outcome.failedAs(outcome.error() + "; not kept waiting: " + maxWaiting
                + " analyses wait already (analysis.max-waiting)", true);
    }

    /**
     * After the LLM was asked again: the outcome to publish (counted as resumed, or as expired), or null when the
     * analysis waits again.
     */
    AnalysisOutcome afterAnotherAttempt(WaitingAnalysis analysis, AnalysisOutcome outcome) {
        AnalysisOutcome published = afterAnotherAttempt(analysis, outcome, config.maxWait(), clock.instant());
        if (published != null) {
            metrics.waiting(outcome.llmUnreachable() ? WaitEvent.EXPIRED : WaitEvent.RESUMED);
        }
        return published;
    }

    /** Unreachable still, it waits again, unless it has waited {@code maxWait}: then it is published as failed. */
    static AnalysisOutcome afterAnotherAttempt(WaitingAnalysis analysis, AnalysisOutcome outcome, Duration maxWait,
            Instant now) {
        if (!outcome.llmUnreachable()) {
            return outcome;
        }
        if (!analysis.waitedAtLeast(maxWait, now)) {
            return null;
        }
        return outcome.failedAs("no LLM answered within analysis.max-wait (" + maxWait.toSeconds() + " s, "
                + (analysis.attempts() + 1) + " attempts); last error: " + outcome.error(), true);
    }

    /** Unreachable still: it waits again, for its next turn. */
    Uni<Void> retryLater(WaitingAnalysis analysis, AnalysisOutcome outcome, TracedEvent event) {
        metrics.waiting(WaitEvent.RETRY);
        return steps.untilDone(Stage.WAIT_RESCHEDULE, event,
                () -> waiting.retryLater(analysis.failedAgain(outcome)));
    }

    /**
     * A publication retried through a Kafka outage can outlast the claim: each retry renews it, so that no other
     * instance claims (and publishes) the analysis meanwhile.
     */
    Runnable renewClaim(WaitingAnalysis analysis) {
        return () -> waiting.renew(List.of(analysis)).subscribe().with(ok -> {
        }, failure -> LOG.debugf("Could not renew the claim of %s: %s", analysis.id(), failure));
    }

    /** Published: it leaves the waiting room. */
    Uni<Void> leave(WaitingAnalysis analysis, TracedEvent event) {
        return steps.untilDone(Stage.WAIT_DONE, event, () -> waiting.done(analysis));
    }

    /** Published already (by an attempt that failed after publishing, or by its trigger redelivered): it leaves. */
    Uni<Void> leaveAsPublished(WaitingAnalysis analysis, TracedEvent event) {
        return leave(analysis, event).invoke(() -> metrics.analysisSkipped(SkipReason.ALREADY_PUBLISHED));
    }
}
