package dev.conversationworker.pipeline;

import java.time.Duration;
import java.time.Instant;
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
import dev.conversationworker.ops.MetricLabels.SkipReason;
import dev.conversationworker.ops.ShutdownBudget;
import dev.conversationworker.ops.WorkerMetrics;
import dev.conversationworker.support.LogSafe;
import dev.conversationworker.support.TransientFailures;
import dev.conversationworker.waiting.WaitConfig;

/**
 * Brings idle conversations to analysis: every {@code analysis.poll-interval} it claims, shard after shard (starting
 * at a shard that moves on each poll, so none is left behind), conversations whose idle timer is due, at most
 * {@code analysis.max-resuming} in hand at once, and hands each to the pipeline in its conversation's turn
 * ({@link ChatEventConsumer#runInOrder}: behind its events in flight here, under the in-flight bound). Before the
 * analysis starts the claim is confirmed (still this instance's, still armed on the same message), just before it
 * is published the claim is checked again (another instance may have taken it over, if its lease lapsed), after it
 * the conversation is disarmed. Claims are leases in Redis ({@code analysis.idle-lease}), renewed for as long as
 * they are in hand: instances share the schedule, and a dead instance's claims fall due again. An analysis that
 * keeps failing is tried {@code analysis.idle-max-attempts} times, then published as failed. A poll costs one
 * script per shard visited and touches only due entries.
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
    private final int maxAttempts;
    private final Map<String, IdleClaimInHand> inHand = new ConcurrentHashMap<>();
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
        this.maxAttempts = Math.max(1, triggers.idleMaxAttempts());
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
        for (IdleClaimInHand held : inHand.values()) {
            byShard.computeIfAbsent(held.claimed().shard().index(), shard -> new ArrayList<>())
                    .add(held.claimed().slug());
        }
        byShard.forEach((shard, slugs) -> schedule.renew(shard, slugs, triggers.idleLease()).subscribe()
                .with(ok -> {
                }, failure -> LOG.debugf("Could not renew %d idle claims of shard %d: %s", slugs.size(), shard,
                        failure)));
    }

    /**
     * SIGTERM: claim nothing more. The claims in hand are still renewed: their analyses go on through the
     * consumer's drain (an LLM call may outlast a lease), and a claim that lapsed meanwhile would let another
     * instance analyse, and publish, the same conversation.
     */
    void stopClaiming(@Observes @Priority(1) ShutdownEvent event) {
        stopping = true;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /**
     * After the consumer's drain: renewing ends, and the claims in hand whose analysis is not being published are
     * handed back, due at once for the other instances; such an analysis still running is then not published here
     * (its check before publishing says so). One being published keeps its claim until its lease ends.
     */
    void handBack(@Observes @Priority(jakarta.interceptor.Interceptor.Priority.PLATFORM_AFTER) ShutdownEvent event) {
        if (renewer >= 0) {
            vertx.cancelTimer(renewer);
        }
        List<ClaimedConversation> unfinished = inHand.values().stream().filter(IdleClaimInHand::handBack)
                .map(IdleClaimInHand::claimed).toList();
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
                IdleClaimInHand held = new IdleClaimInHand(conversation);
                if (inHand.putIfAbsent(key(conversation), held) == null) {
                    taken++;
                    analyse(held);
                }
            }
            return claimFrom((shard + 1) % HistoryKeys.SHARDS, visited + 1, room - taken);
        });
    }

    private void analyse(IdleClaimInHand held) {
        ClaimedConversation conversation = held.claimed();
        consumer.runInOrder(conversation.conversationId(), conversation.armed().partition(),
                () -> schedule.confirm(conversation, triggers.idleLease()).chain(confirmed -> switch (confirmed
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
                }))
                .subscribe().with(done -> inHand.remove(key(conversation)), failure -> failed(held, failure));
    }

    private Uni<Void> analyseClaimed(IdleClaimInHand held, Instant confirmedAt) {
        metrics.idleAnalysisStarted(Duration.between(held.claimed().dueAt(), confirmedAt));
        return pipeline.analyseIdle(held.claimed(), () -> mayPublish(held)).chain(() -> finish(held));
    }

    /**
     * Just before publishing: the claim must still be this instance's in Redis (renewed there), and not handed back
     * here meanwhile. Whichever of publishing and handing back comes first wins.
     */
    private Uni<Boolean> mayPublish(IdleClaimInHand held) {
        return schedule.mayPublish(held.claimed(), triggers.idleLease()).map(publishing -> {
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
    private Uni<Void> finish(IdleClaimInHand held) {
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
     * published as failed and the conversation disarmed. When stopping, it stays in hand, to be handed back.
     */
    private void failed(IdleClaimInHand held, Throwable failure) {
        if (stopping) {
            return;
        }
        ClaimedConversation conversation = held.claimed();
        if (TransientFailures.isTransient(failure)) {
            // Redis away around the analysis (its confirm or its disarm; the analysis retries its own steps): not an
            // attempt. The claim's lease ends and it falls due again.
            inHand.remove(key(conversation));
            return;
        }
        // Escaped: a hostile conversation id or failure text must not forge log lines.
        String id = LogSafe.oneLine(conversation.conversationId());
        String reason = LogSafe.oneLine(String.valueOf(failure));
        schedule.failed(conversation, maxAttempts, triggers.idleLease()).chain(attempts -> {
            if (attempts < maxAttempts) {
                if (attempts > 0) {
                    IdleLog.LOG.analysisFailed(id, attempts, maxAttempts, reason,
                            triggers.idleLease().toMillis());
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
        }).subscribe().with(done -> inHand.remove(key(conversation)), unrecorded -> {
            // Redis away: the claim's lease ends and it falls due again, this attempt uncounted.
            LOG.debugf("Could not record the failed idle analysis of %s: %s", id,
                    unrecorded);
            inHand.remove(key(conversation));
        });
    }

    private static String key(ClaimedConversation conversation) {
        return conversation.shard().index() + "/" + conversation.slug();
    }
}
