package dev.conversationworker.delivery;

import static dev.conversationworker.delivery.DeliveryRedisFailure.marked;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

import dev.conversationworker.delivery.StepLoop.Next;
import dev.conversationworker.support.Backoff;
import dev.conversationworker.support.LogSafe;

/**
 * Delivers the notifications parked in Redis for one space, when this instance holds the space's lease (one
 * instance at a time does: the others only poll for it), one message at a time at the shared pace: a notification
 * alone while the backlog can be sent within {@code delivery.max-delay}, else a digest of as many as fit
 * ({@link HeldNotifications#next}). Each message is POSTed until Google settles it ({@link MessageSender}). Each
 * message is remembered in Redis before its POST ({@link SendingUnits}, fenced by the lease); notifications that
 * carry such a message, begun before by this instance or by one that stopped during the POST, are sent in exactly
 * that message again, ahead of anything composed now: Google returns the message if it created it, so a
 * conversation is never in two.
 * <p>
 * The work is a loop of steps, each started afresh by a Vert.x timer (one POST attempt, or a poll): a long outage
 * retries for days without growing a stack or a chain of operators. At most {@code delivery.max-held} notifications
 * ({@code delivery.max-held-bytes}) are in memory; the rest wait in Redis.
 */
final class SpaceDeliverer {

    /** What a deliverer talks to. */
    record Ports(WebhookClient client, SharedSchedule schedule, SpaceQueues queues, SendingUnits units,
            DeliveryDeadLetters deadLetters, DeliveryMetrics metrics, Vertx vertx) {
    }

    private final Space space;
    private final DeliveryConfig config;
    private final String token;
    private final Ports ports;
    private final Pace pace;
    private final Backoff backoff;
    private final long maxHeldBytes;
    private final Next idle;
    private final HeldNotifications held = new HeldNotifications();
    private final MessageSender sender;

    // One step at a time touches this (a step starts from a timer set by the previous one's end).
    private int stepFailures;

    private volatile boolean holder;
    private volatile boolean leaseLost;
    private volatile long backlog;
    private volatile long oldestMillis = -1;
    private volatile boolean stopped;

    private final StepLoop loop;
    private long renewal = -1;

    SpaceDeliverer(Space space, DeliveryConfig config, String token, Ports ports) {
        this.space = space;
        this.config = config;
        this.token = token;
        this.ports = ports;
        this.pace = new Pace(config.maxPerSecond(), config.maxDelay());
        this.backoff = new Backoff(config.retryInitialBackoff(), config.retryMaxBackoff());
        this.maxHeldBytes = config.maxHeldBytes().asLongValue();
        this.idle = Next.idle(config.pollInterval());
        this.sender = new MessageSender(space, config, ports, pace, held, () -> backlog, () -> stopped);
        this.loop = new StepLoop(ports.vertx(), this::step, this::stepFailed, this::release);
        ports.metrics().start(space.name());
        ports.metrics().startBacklog(space.name(), () -> backlog);
        ports.metrics().startRefused(space.name(), () -> sender.refused() ? 1 : 0);
        ports.metrics().startStallSignals(space.name(), this::oldestUndeliveredSeconds);
    }

    String name() {
        return space.name();
    }

    boolean refused() {
        return sender.refused();
    }

    /** Notifications of this space held in memory now (at most {@code delivery.max-held}). */
    int heldRecords() {
        return held.records();
    }

    /** Their bytes (at most {@code delivery.max-held-bytes}, or one larger notification alone). */
    long heldBytes() {
        return held.bytesSeen();
    }

    /** The age of the space's oldest notification not delivered yet, 0 when none waits. */
    double oldestUndeliveredSeconds() {
        long oldest = oldestMillis;
        return oldest < 0 ? 0 : Math.max(0, (System.currentTimeMillis() - oldest) / 1000.0);
    }

    void start() {
        long period = Math.max(1, config.lease().toMillis() / 3);
        synchronized (this) {
            renewal = ports.vertx().setPeriodic(period, id -> renew());
        }
        loop.start();
    }

    /** A notification was parked for this space here: no need to wait for the next poll. */
    void wake() {
        loop.wake();
    }

    /**
     * Stops delivering. The lease is given back at once when no POST is under way, else once it has ended; what is
     * parked and not settled waits in Redis for the next holder (a message begun is sent again as it was).
     */
    void stop() {
        stopped = true;
        synchronized (this) {
            if (renewal >= 0) {
                ports.vertx().cancelTimer(renewal);
            }
        }
        if (loop.stop() && holder) {
            try {
                ports.queues().release(space.name(), token).await().atMost(Duration.ofSeconds(2));
            } catch (RuntimeException e) {
                // the lease runs out by itself
            }
        }
    }

    /** After a step that was under way at {@link #stop}: the next holder may start now. */
    private void release() {
        if (holder) {
            ports.queues().release(space.name(), token).subscribe().with(done -> {
            }, failure -> {
            });
        }
    }

    private Next stepFailed(Throwable failure) {
        Duration pause = backoff.after(++stepFailures);
        String reason = LogSafe.oneLine(String.valueOf(failure.getMessage()));
        if (failure instanceof DeliveryRedisFailure) {
            if (sender.settling()) {
                DeliveryLog.LOG.notRemembered(space.name(), reason, pause.toMillis());
            } else {
                DeliveryLog.LOG.redisFailed(space.name(), reason, pause.toMillis());
            }
        } else {
            DeliveryLog.LOG.unexpected(space.name(), LogSafe.oneLine(String.valueOf(failure)), pause.toMillis());
        }
        return Next.after(pause);
    }

    private Uni<Next> step() {
        if (leaseLost) {
            leaseLost = false;
            lose();
        }
        return sync().chain(() -> {
            if (!holder || stopped) {
                return Uni.createFrom().item(idle);
            }
            return sender.sending() ? sender.resume() : compose();
        }).invoke(() -> stepFailures = 0);
    }

    /** Takes or renews the lease, and loads what arrived since, within the bounds of memory. */
    private Uni<Void> sync() {
        boolean wasHolder = holder;
        int room = wasHolder ? config.maxHeld() - held.size() : config.maxHeld();
        long bytesRoom = wasHolder ? maxHeldBytes - held.bytes() : maxHeldBytes;
        return marked(ports.queues().sync(space.name(), token, config.lease(), wasHolder ? held.loadedUpTo() : 0,
                room, bytesRoom, !wasHolder || held.isEmpty())).chain(this::synced);
    }

    private Uni<Void> synced(SpaceQueues.Sync sync) {
        backlog = sync.backlog();
        oldestMillis = sync.oldestMillis();
        if (sync.holder() == 0) {
            lose();
            return Uni.createFrom().voidItem();
        }
        if (sync.holder() == 2 && (holder || held.loadedUpTo() > 0 || sender.sending())) {
            // Taken afresh while this instance still had a window: its lease ran out unnoticed (a long pause), and
            // another instance may have settled part of it meanwhile. Read again from Redis, as a new holder.
            reset();
            holder = true;
            return sync();
        }
        if (!holder) {
            holder = true;
            DeliveryLog.LOG.leaseTaken(space.name(), sync.backlog());
        }
        List<Pending> fresh = new ArrayList<>();
        List<Uni<Void>> drops = new ArrayList<>();
        long upTo = held.loadedUpTo();
        for (SpaceQueues.Loaded loaded : sync.loaded()) {
            upTo = Math.max(upTo, loaded.seq());
            if (loaded.pending() == null) {
                DeliveryLog.LOG.unreadable(space.name(), loaded.id());
                drops.add(marked(ports.queues().drop(space.name(), loaded.id())));
            } else {
                fresh.add(loaded.pending());
            }
        }
        long newUpTo = upTo;
        Uni<Void> dropped = drops.isEmpty()
                ? Uni.createFrom().voidItem()
                : Uni.join().all(drops).andFailFast().replaceWithVoid();
        if (fresh.isEmpty()) {
            return dropped.invoke(() -> held.loadedUpTo(newUpTo));
        }
        return dropped.chain(() -> marked(ports.units().findAll(space.name(),
                fresh.stream().map(Pending::dedupeKey).toList()))).invoke(begun -> held.hold(fresh, begun, newUpTo))
                .replaceWithVoid();
    }

    /** Another instance holds the space: what is held here is dropped (it waits in Redis), nothing is sent. */
    private void lose() {
        if (holder) {
            DeliveryLog.LOG.leaseLost(space.name());
        }
        holder = false;
        reset();
    }

    /** Nothing held in memory any more: what waits is in Redis. */
    private void reset() {
        sender.reset();
        held.clear();
    }

    private void renew() {
        if (!holder || stopped) {
            return;
        }
        ports.queues().renew(space.name(), token, config.lease()).subscribe().with(stillHeld -> {
            if (!stillHeld) {
                leaseLost = true;
            }
        }, failure -> {
            // Redis away: the next step's sync finds out
        });
    }

    /** The next message, begun in Redis (fenced by the lease) before its first POST. */
    private Uni<Next> compose() {
        OutgoingMessage message = held.next(pace, backlog);
        if (message == null) {
            return Uni.createFrom().item(idle);
        }
        if (message.resumed()) {
            DeliveryLog.LOG.resuming(space.name(), message.covered().size(), message.message().dedupeKeys().size(),
                    message.message().requestId());
        }
        return marked(ports.units().begin(space.name(), token, message.message())).chain(begun -> {
            if (begun.notHolder()) {
                lose();
                return Uni.createFrom().item(idle);
            }
            if (begun.other() != null) {
                return resumeOther(begun.other());
            }
            return sender.send(message);
        });
    }

    /**
     * One begun elsewhere (and not seen when its notifications were loaded) names some of them: they go in it,
     * as it was.
     */
    private Uni<Next> resumeOther(String requestId) {
        return marked(ports.units().byRequestId(space.name(), requestId)).map(other -> {
            if (other != null) {
                held.resuming(other);
            }
            return Next.NOW;
        });
    }
}
