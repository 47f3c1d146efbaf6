package dev.conversationworker.pipeline;

import java.time.Duration;
import java.time.Instant;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

import dev.conversationworker.idle.ClaimedConversation;
import dev.conversationworker.idle.IdleClaims;
import dev.conversationworker.idle.IdleLog;
import dev.conversationworker.idle.IdleSchedule;
import dev.conversationworker.ingest.ChatEventConsumer;
import dev.conversationworker.ingest.WorkerConfig;
import dev.conversationworker.ops.MetricLabels.SkipReason;
import dev.conversationworker.ops.ShutdownBudget;
import dev.conversationworker.ops.WorkerMetrics;
import dev.conversationworker.schedule.AnalysisConfig;
import dev.conversationworker.schedule.ClaimInHand;
import dev.conversationworker.schedule.SchedulePoller;
import dev.conversationworker.support.LogSafe;
import dev.conversationworker.support.TransientFailures;

/**
 * Brings idle conversations to analysis: a {@link SchedulePoller} over the idle schedule claims, every
 * {@code analysis.idle.poll-interval}, conversations whose idle timer is due, at most
 * {@code analysis.idle.max-claimed} in hand at once, and this class hands each to the pipeline in its conversation's
 * turn ({@link ChatEventConsumer#runInOrder}: behind its events in flight here, under the in-flight bound). Before
 * the analysis starts the claim is confirmed (still this instance's, still armed on the same message), just before
 * it is published the claim is checked again (another instance may have taken it over, if its lease lapsed), after
 * it the conversation is disarmed. Claims are leases ({@code analysis.idle.lease}), renewed while in hand. An
 * analysis that keeps failing is tried {@code analysis.idle.max-attempts} times, then published as failed.
 */
@ApplicationScoped
public class IdleConversationPoller implements SchedulePoller.Work<ClaimedConversation> {

    private static final Logger LOG = Logger.getLogger(IdleConversationPoller.class);

    private final ConversationPipeline pipeline;
    private final ChatEventConsumer consumer;
    private final IdleSchedule schedule;
    private final AnalysisConfig.Idle config;
    private final WorkerMetrics metrics;
    private final boolean analysisEnabled;
    private final int maxAttempts;
    private final SchedulePoller<ClaimedConversation> poller;

    IdleConversationPoller(Vertx vertx, ConversationPipeline pipeline, ChatEventConsumer consumer,
            IdleSchedule schedule, AnalysisConfig analysis, WorkerMetrics metrics, WorkerConfig worker) {
        this.analysisEnabled = worker.analysisEnabled();
        this.pipeline = pipeline;
        this.consumer = consumer;
        this.schedule = schedule;
        this.config = analysis.idle();
        this.metrics = metrics;
        this.maxAttempts = Math.max(1, config.maxAttempts());
        IdleClaims claims = new IdleClaims(schedule, config.lease());
        this.poller = new SchedulePoller<>(vertx, claims,
                new SchedulePoller.Settings(config.pollInterval(), config.maxClaimed(), config.lease()), this,
                new SchedulePoller.Log() {

                    @Override
                    public void claimFailing(String failure, long pollIntervalMs) {
                        IdleLog.LOG.claimFailing(failure, pollIntervalMs);
                    }

                    @Override
                    public void claimWorksAgain() {
                        IdleLog.LOG.claimWorksAgain();
                    }
                });
        metrics.gauge(WorkerMetrics.Gauge.CONVERSATIONS_ARMED, claims::armed);
        metrics.gauge(WorkerMetrics.Gauge.IDLE_ANALYSES_IN_HAND, poller::inHand);
    }

    void start(@Observes StartupEvent event) {
        // A delivery-only instance (worker.analysis-enabled=false) analyses nothing, idle conversations included.
        if (!analysisEnabled || config.after().isZero() || config.after().isNegative()) {
            return;
        }
        poller.start();
    }

    /**
     * SIGTERM: claim nothing more. The claims in hand are still renewed: their analyses go on through the
     * consumer's drain (an LLM call may outlast a lease), and a claim that lapsed meanwhile would let another
     * instance analyse, and publish, the same conversation.
     */
    void stopClaiming(@Observes @Priority(1) ShutdownEvent event) {
        poller.stopClaiming();
    }

    /**
     * After the consumer's drain: renewing ends, and the claims in hand whose analysis is not being published are
     * handed back, due at once for the other instances; such an analysis still running is then not published here
     * (its check before publishing says so). One being published keeps its claim until its lease ends.
     */
    void handBack(@Observes @Priority(Interceptor.Priority.PLATFORM_AFTER) ShutdownEvent event) {
        poller.handBack(Duration.ZERO, ShutdownBudget.IDLE_HAND_BACK);
    }

    @Override
    public Uni<Void> handle(ClaimInHand<ClaimedConversation> held) {
        ClaimedConversation conversation = held.claimed();
        return consumer.runInOrder(conversation.conversationId(), conversation.armed().partition(),
                () -> schedule.confirm(conversation, config.lease()).chain(confirmed -> switch (confirmed
                        .outcome()) {
                    // Not started if it was handed back while it waited for its turn.
                    case MINE -> held.start() ? analyseClaimed(held, confirmed.at()) : Uni.createFrom().voidItem();
                    case MOOT -> Uni.createFrom().voidItem();
                    case LOST -> {
                        if (held.lost()) { // not when this instance handed it back itself
                            metrics.idleClaimLost();
                        }
                        yield Uni.createFrom().voidItem();
                    }
                }));
    }

    private Uni<Void> analyseClaimed(ClaimInHand<ClaimedConversation> held, Instant confirmedAt) {
        metrics.idleAnalysisStarted(Duration.between(held.claimed().dueAt(), confirmedAt));
        return pipeline.analyseIdle(held.claimed(), () -> mayPublish(held)).chain(() -> finish(held));
    }

    /**
     * Just before publishing: the claim must still be this instance's in Redis (renewed there), and not handed back
     * here meanwhile. Whichever of publishing and handing back comes first wins.
     */
    private Uni<Boolean> mayPublish(ClaimInHand<ClaimedConversation> held) {
        return schedule.mayPublish(held.claimed(), config.lease()).map(publishing -> {
            boolean publish = switch (publishing) {
                case PUBLISH -> held.publish();
                case PUBLISHED_ALREADY -> {
                    metrics.analysisSkipped(SkipReason.ALREADY_PUBLISHED);
                    yield false;
                }
                case LOST -> {
                    if (held.lost()) { // not when this instance handed it back itself
                        metrics.idleClaimLost();
                    }
                    yield false;
                }
            };
            if (!publish && publishing != IdleSchedule.Publishing.PUBLISHED_ALREADY) {
                metrics.analysisSkipped(SkipReason.CLAIM_LOST);
            }
            return publish;
        });
    }

    /** Published, or not needed: the conversation is disarmed, unless the claim went to another instance. */
    private Uni<Void> finish(ClaimInHand<ClaimedConversation> held) {
        if (!held.ours()) {
            return Uni.createFrom().voidItem();
        }
        return schedule.done(held.claimed()).invoke(outcome -> {
            if (outcome == IdleSchedule.Confirmed.LOST) {
                metrics.idleClaimLost();
            }
        }).replaceWithVoid();
    }

    /**
     * The analysis failed for a reason no retry within it could mend (transient ones are retried there). Counted in
     * Redis, for every instance: it falls due again one lease later, until the last attempt, after which it is
     * published as failed and the conversation disarmed. (When stopping, the poller keeps it in hand, to hand back.)
     */
    @Override
    public Uni<Void> failed(ClaimInHand<ClaimedConversation> held, Throwable failure) {
        if (TransientFailures.isTransient(failure)) {
            // Redis away around the analysis (its confirm or its disarm; the analysis retries its own steps): not an
            // attempt. The claim's lease ends and it falls due again.
            return Uni.createFrom().voidItem();
        }
        ClaimedConversation conversation = held.claimed();
        // Escaped: a hostile conversation id or failure text must not forge log lines.
        String id = LogSafe.oneLine(conversation.conversationId());
        String reason = LogSafe.oneLine(String.valueOf(failure));
        return schedule.failed(conversation, maxAttempts, config.lease()).chain(attempts -> {
            if (attempts < maxAttempts) {
                if (attempts > 0) {
                    IdleLog.LOG.analysisFailed(id, attempts, maxAttempts, reason, config.lease().toMillis());
                }
                return Uni.createFrom().voidItem();
            }
            held.start(); // a give-up is published like an analysis, also when it failed before it started
            IdleLog.LOG.givenUp(id, attempts, reason);
            metrics.idleAnalysisGivenUp();
            return pipeline.giveUpIdle(conversation, attempts, reason, () -> mayPublish(held))
                    .onFailure().invoke(unpublished -> IdleLog.LOG.givenUpUnpublished(id,
                            LogSafe.oneLine(String.valueOf(unpublished))))
                    .onFailure().recoverWithNull()
                    .chain(() -> finish(held));
            // Redis away: the claim's lease ends and it falls due again, this attempt uncounted.
        }).onFailure().invoke(unrecorded -> LOG.debugf("Could not record the failed idle analysis of %s: %s", id,
                unrecorded));
    }
}
