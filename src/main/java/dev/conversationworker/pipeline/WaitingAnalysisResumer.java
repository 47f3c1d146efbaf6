package dev.conversationworker.pipeline;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

import dev.conversationworker.ingest.WorkerConfig;
import dev.conversationworker.model.WaitingAnalysis;
import dev.conversationworker.ops.MetricLabels.WaitEvent;
import dev.conversationworker.ops.ShutdownBudget;
import dev.conversationworker.ops.WorkerMetrics;
import dev.conversationworker.schedule.AnalysisConfig;
import dev.conversationworker.schedule.ClaimInHand;
import dev.conversationworker.schedule.SchedulePoller;
import dev.conversationworker.waiting.OutageAnnouncer;
import dev.conversationworker.waiting.WaitLog;
import dev.conversationworker.waiting.WaitingAnalyses;

/**
 * Brings waiting analyses back: a {@link SchedulePoller} over the waiting room claims, every
 * {@code analysis.poll-interval}, those whose attempt is due (up to {@code analysis.max-resuming} at once), and this
 * class hands them to the pipeline. While an LLM's circuit is open, trying one again costs no call (it fails at once
 * and waits longer), and it still expires after {@code analysis.max-wait}. Claims are leases in Redis, renewed while
 * in hand, so instances share the work and a dead instance's claims fall due again.
 */
@ApplicationScoped
public class WaitingAnalysisResumer implements SchedulePoller.Work<WaitingAnalysis>, SchedulePoller.Log {

    private final ConversationPipeline pipeline;
    private final WaitingAnalyses waiting;
    private final OutageAnnouncer outage;
    private final WorkerMetrics metrics;
    private final int maxUnexpectedAttempts;
    private final boolean analysisEnabled;
    private final SchedulePoller<WaitingAnalysis> poller;
    private volatile long waitingCount;

    WaitingAnalysisResumer(Vertx vertx, ConversationPipeline pipeline, WaitingAnalyses waiting,
            AnalysisConfig analysis, OutageAnnouncer outage, WorkerMetrics metrics, WorkerConfig worker) {
        this.metrics = metrics;
        this.maxUnexpectedAttempts = Math.max(1, worker.maxUnexpectedAttempts());
        this.analysisEnabled = worker.analysisEnabled();
        this.pipeline = pipeline;
        this.waiting = waiting;
        this.outage = outage;
        AnalysisConfig.Waiting config = analysis.waiting();
        this.poller = new SchedulePoller<>(vertx, waiting,
                new SchedulePoller.Settings(config.pollInterval(), config.maxResuming(), config.lease()), this, this);
        metrics.gauge(WorkerMetrics.Gauge.ANALYSES_WAITING, () -> waitingCount);
        metrics.gauge(WorkerMetrics.Gauge.ANALYSES_RESUMING, poller::inHand);
    }

    void start(@Observes StartupEvent event) {
        if (!analysisEnabled) {
            return; // a delivery-only deployment (worker.analysis-enabled=false) analyses nothing
        }
        poller.start();
    }

    /** SIGTERM, first of all: claim nothing more. */
    void stopClaiming(@Observes @Priority(1) ShutdownEvent event) {
        poller.stopClaiming();
    }

    /**
     * SIGTERM, after the consumer's drain (which gave everything in flight the shutdown timeout): what is still
     * being tried after a short patience is handed back, due at once, so another instance takes it now instead of
     * after the lease. If it finishes here all the same, it is published twice, with one id.
     */
    void handBack(@Observes @Priority(Interceptor.Priority.PLATFORM_AFTER) ShutdownEvent event) {
        poller.handBack(ShutdownBudget.WAITING_HAND_BACK_PATIENCE, ShutdownBudget.WAITING_HAND_BACK);
    }

    /** Every poll: how many wait, for the gauge, and the end of an outage once none does. */
    @Override
    public void polled() {
        waiting.count().subscribe().with(this::counted, failure -> {
            // Redis away: readiness says so; the count is refreshed on the next poll.
        });
    }

    private void counted(long count) {
        long before = waitingCount;
        waitingCount = count;
        if (before > 0 && count == 0) {
            outage.noAnalysisWaiting().subscribe().with(ok -> {
            }, failure -> WaitLog.LOG.endOfWaitNotPublished(String.valueOf(failure)));
        }
    }

    @Override
    public Uni<Void> handle(ClaimInHand<WaitingAnalysis> held) {
        return pipeline.resume(held.claimed());
    }

    /** A bug, not a stop (transient failures are retried): tried again later, a few times at most. */
    @Override
    public Uni<Void> failed(ClaimInHand<WaitingAnalysis> held, Throwable failure) {
        WaitingAnalysis analysis = held.claimed();
        WaitingAnalysis failed = analysis.failedUnexpectedly(failure.toString());
        if (failed.unexpectedFailures() >= maxUnexpectedAttempts) {
            WaitLog.LOG.givenUp(analysis.id(), failed.unexpectedFailures(), failure);
            metrics.waiting(WaitEvent.GIVEN_UP);
            // Published as failed, with the reason; if even that fails, it leaves the waiting room all the same.
            return pipeline.giveUp(analysis, failure.toString())
                    .onFailure().recoverWithUni(() -> waiting.done(analysis));
        }
        WaitLog.LOG.failedUnexpectedly(analysis.id(), failure.toString());
        return waiting.retryLater(failed);
    }

    @Override
    public void claimFailing(String failure, long pollIntervalMs) {
        WaitLog.LOG.claimFailing(failure, pollIntervalMs);
    }

    @Override
    public void claimWorksAgain() {
        WaitLog.LOG.claimWorksAgain();
    }

    @Override
    public void leftWhileStopping(String id, String failure) {
        WaitLog.LOG.leftWhileStopping(id, failure);
    }

    @Override
    public void handBackFailed(String failure) {
        WaitLog.LOG.handBackFailed(failure);
    }

    @Override
    public void handedBack(int count) {
        WaitLog.LOG.handedBack(count);
    }
}
