package dev.conversationworker.pipeline;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

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
import dev.conversationworker.waiting.OutageAnnouncer;
import dev.conversationworker.waiting.WaitConfig;
import dev.conversationworker.waiting.WaitLog;
import dev.conversationworker.waiting.WaitingAnalyses;

/**
 * Brings waiting analyses back: every {@code analysis.poll-interval} it claims those whose attempt is due (up to
 * {@code analysis.max-resuming} at once) and hands them to the pipeline. While an LLM's circuit is open, trying one
 * again costs no call (it fails at once and waits longer), and it still expires after {@code analysis.max-wait}.
 * Claims are leases in Redis, so instances share the work and a dead instance's claims fall due again.
 */
@ApplicationScoped
public class WaitingAnalysisResumer {

    private static final Duration HAND_BACK_PATIENCE = ShutdownBudget.WAITING_HAND_BACK_PATIENCE;

    private final Vertx vertx;
    private final ConversationPipeline pipeline;
    private final WaitingAnalyses waiting;
    private final WaitConfig config;
    private final OutageAnnouncer outage;
    private final Map<String, WaitingAnalysis> resuming = new ConcurrentHashMap<>();
    private final AtomicBoolean claiming = new AtomicBoolean();
    private volatile boolean stopping;
    /** Set when stopping: completes once nothing is being tried any more. */
    private volatile CompletableFuture<Void> drained;
    private volatile boolean moreMayBeDue;
    private volatile boolean claimsFailing;
    private volatile long waitingCount;
    private long timer = -1;
    private final WorkerMetrics metrics;
    private final int maxUnexpectedAttempts;
    private final boolean analysisEnabled;

    WaitingAnalysisResumer(Vertx vertx, ConversationPipeline pipeline, WaitingAnalyses waiting,
            WaitConfig config, OutageAnnouncer outage, WorkerMetrics metrics, WorkerConfig worker) {
        this.vertx = vertx;
        this.metrics = metrics;
        this.maxUnexpectedAttempts = Math.max(1, worker.maxUnexpectedAttempts());
        this.analysisEnabled = worker.analysisEnabled();
        this.pipeline = pipeline;
        this.waiting = waiting;
        this.config = config;
        this.outage = outage;
        metrics.gauge("cw.analyses.waiting", "Analyses waiting in Redis for an LLM (all instances)",
                () -> waitingCount);
        metrics.gauge("cw.analyses.resuming", "Waiting analyses this instance is trying again now", resuming::size);
    }

    void start(@Observes StartupEvent event) {
        if (!analysisEnabled) {
            return; // a delivery-only deployment (worker.analysis-enabled=false) analyses nothing
        }
        timer = vertx.setPeriodic(config.pollInterval().toMillis(), id -> tick());
    }

    /** SIGTERM, first of all: claim nothing more. */
    void stopClaiming(@Observes @Priority(1) ShutdownEvent event) {
        stopping = true;
        vertx.cancelTimer(timer);
    }

    /**
     * SIGTERM, after the consumer's drain (which gave everything in flight the shutdown timeout): what is still
     * being tried is handed back, due at once, so another instance takes it now instead of after the lease. If it
     * finishes here all the same, it is published twice, with one id.
     */
    void handBack(@Observes @Priority(Interceptor.Priority.PLATFORM_AFTER) ShutdownEvent event) {
        CompletableFuture<Void> idle = new CompletableFuture<>();
        drained = idle;
        if (resuming.isEmpty()) {
            idle.complete(null);
        }
        try {
            idle.get(HAND_BACK_PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // Still being tried after the patience: handed back below.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<WaitingAnalysis> unfinished = List.copyOf(resuming.values());
        if (!unfinished.isEmpty()) {
            Uni.join().all(unfinished.stream().map(waiting::release).toList()).andCollectFailures()
                    .onFailure().invoke(failure -> WaitLog.LOG.handBackFailed(failure.getMessage()))
                    .onFailure().recoverWithNull()
                    .await().atMost(ShutdownBudget.WAITING_HAND_BACK);
            WaitLog.LOG.handedBack(unfinished.size());
        }
    }

    private void tick() {
        waiting.count().subscribe().with(this::counted, failure -> {
            // Redis away: readiness says so; the count is refreshed on the next tick.
        });
        int room = config.maxResuming() - resuming.size();
        if (stopping || room <= 0 || !claiming.compareAndSet(false, true)) {
            return;
        }
        waiting.claimDue(room).subscribe().with(claimed -> {
            claiming.set(false);
            if (claimsFailing) {
                claimsFailing = false;
                WaitLog.LOG.claimWorksAgain();
            }
            if (stopping) { // claimed while the worker began to stop: handBack returns them
                claimed.forEach(analysis -> resuming.put(analysis.id(), analysis));
                return;
            }
            moreMayBeDue = claimed.size() == room;
            claimed.forEach(this::resume);
        }, failure -> {
            claiming.set(false);
            // Once per outage, not every poll: readiness and CW0201 already tell that Redis is away.
            if (!claimsFailing) {
                claimsFailing = true;
                WaitLog.LOG.claimFailing(failure.getMessage(), config.pollInterval().toMillis());
            }
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

    private void resume(WaitingAnalysis analysis) {
        resuming.put(analysis.id(), analysis);
        pipeline.resume(analysis).subscribe().with(done -> finished(analysis), failure -> {
            if (stopping) {
                WaitLog.LOG.leftWhileStopping(analysis.id(), failure.getMessage());
                return; // it stays listed, and handBack hands it back at once
            }
            // A bug, not a stop (transient failures are retried): tried again later, a few times at most.
            WaitingAnalysis failed = analysis.failedUnexpectedly(failure.toString());
            Uni<Void> next;
            if (failed.unexpectedFailures() >= maxUnexpectedAttempts) {
                WaitLog.LOG.givenUp(analysis.id(), failed.unexpectedFailures(), failure);
                metrics.waiting(WaitEvent.GIVEN_UP);
                // Published as failed, with the reason; if even that fails, it leaves the waiting room all the same.
                next = pipeline.giveUp(analysis, failure.toString())
                        .onFailure().recoverWithUni(() -> waiting.done(analysis));
            } else {
                WaitLog.LOG.failedUnexpectedly(analysis.id(), failure.toString());
                next = waiting.retryLater(failed);
            }
            next.subscribe().with(ok -> finished(analysis), ignored -> finished(analysis)); // else: its lease ends
        });
    }

    private void finished(WaitingAnalysis analysis) {
        resuming.remove(analysis.id());
        CompletableFuture<Void> idle = drained;
        if (idle != null && resuming.isEmpty()) {
            idle.complete(null);
        }
        if (moreMayBeDue && !stopping) {
            moreMayBeDue = false;
            tick();
        }
    }
}
