package dev.conversationworker.schedule;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * Brings the due items of a {@link LeasedSchedule} to work: every {@code pollInterval} it claims as many as there is
 * room for ({@code maxInHand} less those in hand; one claim at a time), hands each to the {@link Work}, renews the
 * claims in hand every third of their lease, and at shutdown hands back what is unfinished, due at once for the
 * other instances. A claim that fails to be made is logged once per outage, not once per poll. What to do with a
 * claimed item, and how to give it up, is the {@link Work}'s; the rest is the same for every schedule. Not a bean:
 * the bean that owns it forwards its startup and shutdown events, in the order {@code ops.ShutdownBudget} counts.
 *
 * @param <C> a claimed item
 */
public final class SchedulePoller<C> {

    private static final Logger LOG = Logger.getLogger(SchedulePoller.class);

    /** How often to poll, how many claims to hold at most, and how long a claim lasts unless renewed. */
    public record Settings(Duration pollInterval, int maxInHand, Duration lease) {
    }

    /** What a schedule does with its claims. */
    public interface Work<C> {

        /** Works on a claim; when the returned Uni ends, the claim is no longer in hand. */
        Uni<Void> handle(ClaimInHand<C> held);

        /** The work failed, not because the instance is stopping: gives it up or retries it, its own way. */
        Uni<Void> failed(ClaimInHand<C> held, Throwable failure);

        /** Every poll, whether or not there is room to claim. */
        default void polled() {
        }
    }

    /** The schedule's own log lines, each in its package's catalog. */
    public interface Log {

        void claimFailing(String failure, long pollIntervalMs);

        void claimWorksAgain();

        default void leftWhileStopping(String id, String failure) {
        }

        default void handBackFailed(String failure) {
        }

        default void handedBack(int count) {
        }
    }

    private final Vertx vertx;
    private final LeasedSchedule<C> schedule;
    private final Settings settings;
    private final Work<C> work;
    private final Log log;
    private final Map<String, ClaimInHand<C>> inHand = new ConcurrentHashMap<>();
    private final AtomicBoolean claiming = new AtomicBoolean();
    private volatile boolean stopping;
    private volatile boolean claimsFailing;
    private volatile boolean moreMayBeDue;
    /** Set when handing back: completes once nothing is in hand any more. */
    private volatile CompletableFuture<Void> drained;
    private long timer = -1;
    private long renewer = -1;

    public SchedulePoller(Vertx vertx, LeasedSchedule<C> schedule, Settings settings, Work<C> work, Log log) {
        this.vertx = vertx;
        this.schedule = schedule;
        this.settings = settings;
        this.work = work;
        this.log = log;
    }

    /** Claims in hand now (queued or being worked on). */
    public int inHand() {
        return inHand.size();
    }

    public boolean stopping() {
        return stopping;
    }

    public void start() {
        timer = vertx.setPeriodic(Math.max(1, settings.pollInterval().toMillis()), id -> poll());
        renewer = vertx.setPeriodic(Math.max(1, settings.lease().toMillis() / 3), id -> renew());
    }

    /**
     * SIGTERM, first of all: claim nothing more. The claims in hand are still renewed: their work goes on through the
     * consumer's drain, and a claim that lapsed meanwhile would let another instance do the same work.
     */
    public void stopClaiming() {
        stopping = true;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /**
     * After the consumer's drain: waits up to {@code patience} for the work in hand to end, then stops renewing and
     * hands back the claims whose work is not publishing, for up to {@code budget}.
     */
    public void handBack(Duration patience, Duration budget) {
        CompletableFuture<Void> idle = new CompletableFuture<>();
        drained = idle;
        if (inHand.isEmpty()) {
            idle.complete(null);
        }
        if (!patience.isZero() && !patience.isNegative()) {
            try {
                idle.get(patience.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                // Still in hand after the patience: handed back below.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (renewer >= 0) {
            vertx.cancelTimer(renewer);
        }
        List<C> unfinished = inHand.values().stream().filter(ClaimInHand::handBack).map(ClaimInHand::claimed)
                .toList();
        if (!unfinished.isEmpty()) {
            Uni.join().all(unfinished.stream().map(schedule::release).toList()).andCollectFailures()
                    .onFailure().invoke(failure -> log.handBackFailed(String.valueOf(failure.getMessage())))
                    .onFailure().recoverWithNull()
                    .await().atMost(budget);
            log.handedBack(unfinished.size());
        }
    }

    /** Renews the claims in hand; a failure is left to the next round, the lease being three rounds long. */
    private void renew() {
        List<C> held = inHand.values().stream().map(ClaimInHand::claimed).toList();
        if (held.isEmpty()) {
            return;
        }
        schedule.renew(held).subscribe().with(ok -> {
        }, failure -> LOG.debugf("Could not renew %d claims: %s", held.size(), failure));
    }

    private void poll() {
        work.polled();
        int room = settings.maxInHand() - inHand.size();
        if (stopping || room <= 0 || !claiming.compareAndSet(false, true)) {
            return;
        }
        schedule.claimDue(room).subscribe().with(claimed -> {
            claiming.set(false);
            if (claimsFailing) {
                claimsFailing = false;
                log.claimWorksAgain();
            }
            moreMayBeDue = claimed.size() >= room;
            for (C item : claimed) {
                ClaimInHand<C> held = new ClaimInHand<>(item);
                // Claimed while the worker began to stop: kept in hand, not started, and handed back.
                if (inHand.putIfAbsent(schedule.idOf(item), held) == null && !stopping) {
                    run(held);
                }
            }
        }, failure -> {
            claiming.set(false);
            // Once per outage, not every poll: readiness and CW0201 already tell that Redis is away.
            if (!claimsFailing) {
                claimsFailing = true;
                log.claimFailing(String.valueOf(failure.getMessage()), settings.pollInterval().toMillis());
            }
        });
    }

    private void run(ClaimInHand<C> held) {
        String id = schedule.idOf(held.claimed());
        // Deferred: a Work that throws instead of returning a failed Uni fails the same way, and its claim leaves
        // the hand (and is no longer renewed) like any other failure.
        Uni.createFrom().deferred(() -> work.handle(held)).subscribe().with(done -> finished(id), failure -> {
            if (stopping) {
                log.leftWhileStopping(id, String.valueOf(failure.getMessage()));
                return; // it stays in hand, and handBack hands it back
            }
            Uni.createFrom().deferred(() -> work.failed(held, failure)).subscribe().with(ok -> finished(id),
                    ignored -> finished(id));
        });
    }

    private void finished(String id) {
        inHand.remove(id);
        CompletableFuture<Void> idle = drained;
        if (idle != null && inHand.isEmpty()) {
            idle.complete(null);
        }
        if (moreMayBeDue && !stopping) {
            moreMayBeDue = false;
            poll();
        }
    }
}
