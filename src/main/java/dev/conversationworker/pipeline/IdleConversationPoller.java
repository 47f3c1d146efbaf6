package dev.conversationworker.pipeline;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

import dev.conversationworker.history.HistoryKeys;
import dev.conversationworker.idle.ClaimedConversation;
import dev.conversationworker.idle.IdleLog;
import dev.conversationworker.idle.IdleSchedule;
import dev.conversationworker.idle.TriggerConfig;
import dev.conversationworker.ingest.ChatEventConsumer;
import dev.conversationworker.ingest.WorkerConfig;
import dev.conversationworker.ops.ShutdownBudget;
import dev.conversationworker.ops.WorkerMetrics;
import dev.conversationworker.support.LogSafe;
import dev.conversationworker.waiting.WaitConfig;

/**
 * Brings idle conversations to analysis: every {@code analysis.poll-interval} it claims, shard after shard (starting
 * at a shard that moves on each poll, so none is left behind), conversations whose idle timer is due, at most
 * {@code analysis.max-resuming} in hand at once, and hands each to the pipeline in its conversation's turn
 * ({@link ChatEventConsumer#runInOrder}: behind its events in flight here, under the in-flight bound). Before the
 * analysis starts the claim is confirmed (still this instance's, still armed on the same message), after it the
 * conversation is disarmed. Claims are leases in Redis ({@code analysis.lease}): instances share the schedule, and
 * a dead instance's claims fall due again. A poll costs one script per shard visited and touches only due entries.
 */
@ApplicationScoped
public class IdleConversationPoller {

    private static final Logger LOG = Logger.getLogger(IdleConversationPoller.class);

    private final Vertx vertx;
    private final ConversationPipeline pipeline;
    private final ChatEventConsumer consumer;
    private final IdleSchedule schedule;
    private final TriggerConfig triggers;
    private final WaitConfig wait;
    private final WorkerMetrics metrics;
    private final boolean analysisEnabled;
    private final Clock clock = Clock.systemUTC();
    private final Map<String, ClaimedConversation> inHand = new ConcurrentHashMap<>();
    private final AtomicBoolean claiming = new AtomicBoolean();
    /** Conversations armed per shard, as the last claim on each shard counted them. */
    private final AtomicLongArray armed = new AtomicLongArray(HistoryKeys.SHARDS);
    private volatile int nextShard = ThreadLocalRandom.current().nextInt(HistoryKeys.SHARDS);
    private volatile boolean claimsFailing;
    private volatile boolean stopping;
    private long timer = -1;
    private long renewer = -1;

    IdleConversationPoller(Vertx vertx, ConversationPipeline pipeline, ChatEventConsumer consumer,
            IdleSchedule schedule, TriggerConfig triggers, WaitConfig wait, WorkerMetrics metrics,
            WorkerConfig worker) {
        this.analysisEnabled = worker.analysisEnabled();
        this.vertx = vertx;
        this.pipeline = pipeline;
        this.consumer = consumer;
        this.schedule = schedule;
        this.triggers = triggers;
        this.wait = wait;
        this.metrics = metrics;
        metrics.gauge("cw.conversations.armed", "Conversations whose idle timer runs (all instances)", () -> {
            long sum = 0;
            for (int i = 0; i < armed.length(); i++) {
                sum += armed.get(i);
            }
            return sum;
        });
        metrics.gauge("cw.idle.analyses.in.hand", "Idle conversations this instance has claimed and not finished",
                inHand::size);
    }

    void start(@Observes StartupEvent event) {
        // A delivery-only instance (worker.analysis-enabled=false) analyses nothing, idle conversations included.
        if (!analysisEnabled || triggers.idleAfter().isZero() || triggers.idleAfter().isNegative()) {
            return;
        }
        timer = vertx.setPeriodic(wait.pollInterval().toMillis(), id -> poll());
        renewer = vertx.setPeriodic(Math.max(1, triggers.idleLease().toMillis() / 3), id -> renewClaims());
    }

    /**
     * Renews the claims in hand (queued behind their conversation's events, or being analysed), one script per
     * shard; a failure is left to the next round, the lease being three rounds long.
     */
    private void renewClaims() {
        Map<Integer, List<String>> byShard = new HashMap<>();
        for (ClaimedConversation held : inHand.values()) {
            byShard.computeIfAbsent(held.shard().index(), shard -> new ArrayList<>()).add(held.slug());
        }
        byShard.forEach((shard, slugs) -> schedule.renew(shard, slugs, triggers.idleLease()).subscribe()
                .with(ok -> {
                }, failure -> LOG.debugf("Could not renew %d idle claims of shard %d: %s", slugs.size(), shard,
                        failure)));
    }

    /** SIGTERM: claim nothing more; what is in hand and not started is handed back after the consumer's drain. */
    void stopClaiming(@Observes @Priority(1) ShutdownEvent event) {
        stopping = true;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        if (renewer >= 0) {
            vertx.cancelTimer(renewer);
        }
    }

    /** After the consumer's drain: claims still in hand are made due at once, for the other instances. */
    void handBack(@Observes @Priority(jakarta.interceptor.Interceptor.Priority.PLATFORM_AFTER) ShutdownEvent event) {
        List<ClaimedConversation> unfinished = List.copyOf(inHand.values());
        if (!unfinished.isEmpty()) {
            Uni.join().all(unfinished.stream().map(schedule::release).toList()).andCollectFailures()
                    .onFailure().recoverWithNull()
                    .await().atMost(ShutdownBudget.IDLE_HAND_BACK);
        }
    }

    private void poll() {
        int room = wait.maxResuming() - inHand.size();
        if (stopping || room <= 0 || !claiming.compareAndSet(false, true)) {
            return;
        }
        int first = nextShard;
        nextShard = (first + 1) % HistoryKeys.SHARDS;
        claimFrom(first, 0, room).subscribe().with(ignored -> {
            claiming.set(false);
            if (claimsFailing) {
                claimsFailing = false;
                IdleLog.LOG.claimWorksAgain();
            }
        }, failure -> {
            claiming.set(false);
            // Once per outage: readiness and CW0201 already tell that Redis is away.
            if (!claimsFailing) {
                claimsFailing = true;
                IdleLog.LOG.claimFailing(String.valueOf(failure.getMessage()), wait.pollInterval().toMillis());
            }
        });
    }

    /** Visits shards from {@code shard} on, one script each, until {@code room} are claimed or all were visited. */
    private Uni<Void> claimFrom(int shard, int visited, int room) {
        if (visited >= HistoryKeys.SHARDS || room <= 0 || stopping) {
            return Uni.createFrom().voidItem();
        }
        return schedule.claimDue(shard, room, triggers.idleLease()).chain(claimed -> {
            armed.set(claimed.shard(), claimed.armed());
            int taken = 0;
            for (ClaimedConversation conversation : claimed.conversations()) {
                if (inHand.putIfAbsent(key(conversation), conversation) == null) {
                    taken++;
                    analyse(conversation);
                }
            }
            return claimFrom((shard + 1) % HistoryKeys.SHARDS, visited + 1, room - taken);
        });
    }

    private void analyse(ClaimedConversation conversation) {
        consumer.runInOrder(conversation.conversationId(), conversation.armed().partition(),
                () -> schedule.confirm(conversation, triggers.idleLease()).chain(confirmed -> switch (confirmed) {
                    case MINE -> {
                        metrics.idleAnalysisStarted(Duration.between(conversation.dueAt(), clock.instant()));
                        yield pipeline.analyseIdle(conversation)
                                .chain(() -> schedule.done(conversation))
                                .invoke(stillMine -> {
                                    if (!stillMine) {
                                        metrics.idleClaimLost();
                                    }
                                }).replaceWithVoid();
                    }
                    case MOOT -> Uni.createFrom().voidItem();
                    case LOST -> {
                        metrics.idleClaimLost();
                        yield Uni.createFrom().voidItem();
                    }
                }))
                .subscribe().with(done -> inHand.remove(key(conversation)), failure -> {
                    // Stopping, or a bug: the claim's lease ends, and it falls due again (for any instance).
                    if (!stopping) {
                        IdleLog.LOG.analysisFailed(LogSafe.oneLine(conversation.conversationId()),
                                LogSafe.oneLine(String.valueOf(failure)));
                    }
                    inHand.remove(key(conversation));
                });
    }

    private static String key(ClaimedConversation conversation) {
        return conversation.shard().index() + "/" + conversation.slug();
    }
}
