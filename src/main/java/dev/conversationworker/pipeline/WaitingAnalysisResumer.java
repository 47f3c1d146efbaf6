package dev.conversationworker.pipeline;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

import dev.conversationworker.ops.WorkerMetrics;
import dev.conversationworker.waiting.WaitConfig;
import dev.conversationworker.waiting.WaitingAnalyses;
import dev.conversationworker.waiting.WaitingAnalysis;

/**
 * Brings waiting analyses back: every {@code analysis.poll-interval} it claims those whose attempt is due (up to
 * {@code analysis.max-resuming} at once) and hands them to the pipeline. While an LLM's circuit is open, trying one
 * again costs no call (it fails at once and waits longer), and it still expires after {@code analysis.max-wait}.
 * Claims are leases in Redis, so instances share the work and a dead instance's claims fall due again.
 */
@ApplicationScoped
public class WaitingAnalysisResumer {

    private static final Logger LOG = Logger.getLogger(WaitingAnalysisResumer.class);

    private final Vertx vertx;
    private final ConversationPipeline pipeline;
    private final WaitingAnalyses waiting;
    private final WaitConfig config;
    private final WorkerConfig worker;
    private final Map<String, WaitingAnalysis> resuming = new ConcurrentHashMap<>();
    private final AtomicBoolean claiming = new AtomicBoolean();
    private volatile boolean stopping;
    private volatile boolean moreMayBeDue;
    private volatile boolean claimsFailing;
    private volatile long waitingCount;
    private long timer = -1;

    WaitingAnalysisResumer(Vertx vertx, ConversationPipeline pipeline, WaitingAnalyses waiting,
            WaitConfig config, WorkerConfig worker, WorkerMetrics metrics) {
        this.vertx = vertx;
        this.pipeline = pipeline;
        this.waiting = waiting;
        this.config = config;
        this.worker = worker;
        metrics.gauge("cw.analyses.waiting", "Analyses waiting in Redis for an LLM (all instances)",
                () -> waitingCount);
        metrics.gauge("cw.analyses.resuming", "Waiting analyses this instance is trying again now", resuming::size);
    }

    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(config.pollInterval().toMillis(), id -> tick());
    }

    /**
     * SIGTERM: claim nothing more, give what is being tried the shutdown timeout to finish, and hand back what
     * did not, so another instance may take it at once instead of after the lease.
     */
    void stop(@Observes ShutdownEvent event) {
        stopping = true;
        vertx.cancelTimer(timer);
        long deadline = System.nanoTime() + worker.shutdownTimeout().toNanos();
        while (!resuming.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        List<WaitingAnalysis> unfinished = List.copyOf(resuming.values());
        if (!unfinished.isEmpty()) {
            Uni.join().all(unfinished.stream().map(waiting::release).toList()).andCollectFailures()
                    .onFailure().invoke(failure -> LOG.warnf("CW-WAIT-003 Could not hand back waiting analyses "
                            + "(%s); they fall due again when their lease ends", failure.getMessage()))
                    .onFailure().recoverWithNull()
                    .await().atMost(Duration.ofSeconds(5));
            LOG.infof("CW-WAIT-004 Stopping: handed back %d waiting analyses being tried", unfinished.size());
        }
    }

    private void tick() {
        waiting.count().subscribe().with(count -> waitingCount = count, failure -> {
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
                LOG.info("CW-WAIT-001 Waiting analyses can be claimed again");
            }
            moreMayBeDue = claimed.size() == room;
            claimed.forEach(this::resume);
        }, failure -> {
            claiming.set(false);
            // Once per outage, not every poll: readiness and CW-PIPE-001 already tell that Redis is away.
            if (!claimsFailing) {
                claimsFailing = true;
                LOG.warnf("CW-WAIT-001 Could not claim waiting analyses (%s); trying every %d ms",
                        failure.getMessage(), config.pollInterval().toMillis());
            }
        });
    }

    private void resume(WaitingAnalysis analysis) {
        resuming.put(analysis.id(), analysis);
        pipeline.resume(analysis).subscribe().with(done -> finished(analysis), failure -> {
            // Only while stopping (transient failures are retried until then): the lease brings it back.
            LOG.infof("CW-WAIT-005 Left waiting analysis %s for later: %s", analysis.id(), failure.getMessage());
            finished(analysis);
        });
    }

    private void finished(WaitingAnalysis analysis) {
        resuming.remove(analysis.id());
        if (moreMayBeDue && !stopping) {
            moreMayBeDue = false;
            tick();
        }
    }
}
