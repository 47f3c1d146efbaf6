package dev.conversationworker.delivery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

import dev.conversationworker.delivery.StepLoop.Next;
import dev.conversationworker.support.Backoff;
import dev.conversationworker.support.LogSafe;

/**
 * Delivers the notifications parked in Redis for one space, when this instance holds the space's lease (one
 * instance at a time does: the others only poll for it), one message at a time at the shared pace: a notification
 * alone while the backlog can be sent within {@code delivery.max-delay}, else a digest of as many as fit. Each
 * message is POSTed until Google settles it: accepted (its notifications are marked settled and leave the queue),
 * rejected (dead-lettered, or, for a digest, its notifications sent one by one), or refused (401/403/404: the space
 * stops, readiness turns DOWN, and the same message is tried again every {@code delivery.probe-interval}). 429s are
 * retried after {@code Retry-After} or a backoff, capped at {@code delivery.max-retry-after}; 5xx, 408, timeouts and
 * I/O failures after a backoff, and after {@code delivery.max-attempts} of them in a row the space is checked with an
 * empty message: if it answers (400), this message is to blame and is dead-lettered (a digest is split); if not, it
 * is an outage and the message is retried on. Each message is remembered in Redis before its POST
 * ({@link SendingUnits}, fenced by the lease); notifications that carry such a message, begun before by this
 * instance or by one that stopped during the POST, are sent in exactly that message again, ahead of anything
 * composed now: Google returns the message if it created it, so a conversation is never in two.
 * <p>
 * The work is a loop of steps, each started afresh by a Vert.x timer (one POST attempt, or a poll): a long outage
 * retries for days without growing a stack or a chain of operators. At most {@code delivery.max-held} notifications
 * ({@code delivery.max-held-bytes}) are in memory; the rest wait in Redis.
 */
final class SpaceDeliverer {

    /**
     * The check of whether a space answers at all: an empty message, which Google never creates and answers 400
     * ("Message cannot be empty") while the space works; a fixed requestId all the same.
     */
    static final String CHECK_BODY = "{}";
    static final String CHECK_REQUEST_ID = "cw-check-empty";

    /** What a deliverer talks to. */
    record Ports(WebhookClient client, SharedSchedule schedule, SpaceQueues queues, SendingUnits units,
            DeliveryDeadLetters deadLetters, DeliveryMetrics metrics, Vertx vertx) {
    }

    /**
     * One message to POST and the notifications held here that it settles.
     *
     * @param resumed the message was begun before (here or elsewhere) and is sent again as it was
     */
    private record Unit(List<Pending> covered, SendingUnit message, boolean resumed) {

        boolean digest() {
            return message.digest();
        }
    }

    /** The message being sent, and what its attempts have met. */
    private static final class Attempt {

        final Unit unit;
        /** 5xx, 408, timeouts and I/O failures in a row. */
        int failures;
        String lastFailure = "";
        /** Google's last HTTP status, 0 when there was no answer. */
        int lastStatus;
        /** The next POST is the check of the space (an empty message), not the message. */
        boolean checkDue;
        /**
         * The space answered the check: the message gets one more try before it is blamed, since an outage that
         * ended just before the check would otherwise dead-letter a message that was never at fault.
         */
        boolean lastChance;
        /** Settled by Google (accepted) or by us (dead-lettered): only its settling in Redis is left. */
        boolean settleOnly;

        Attempt(Unit unit) {
            this.unit = unit;
        }
    }

    /** A Redis failure of a step, logged as such (CW0709). */
    private static final class RedisFailure extends RuntimeException {

        RedisFailure(Throwable cause) {
            super(cause.getMessage(), cause);
        }
    }

    private final Space space;
    private final DeliveryConfig config;
    private final String token;
    private final Ports ports;
    private final Pace pace;
    private final Backoff backoff;
    private final long maxHeldBytes;
    private final Next idle;

    // The loop's state: one step at a time touches it (a step starts from a timer set by the previous one's end).
    private final List<Pending> waiting = new ArrayList<>();
    private long heldBytes;
    private long loadedUpTo;
    private Attempt current;
    private Duration push = Duration.ZERO;
    private int throttles;
    private int stepFailures;

    private volatile boolean holder;
    private volatile boolean leaseLost;
    private volatile boolean refused;
    private volatile long backlog;
    private volatile long oldestMillis = -1;
    private volatile int heldRecords;
    private volatile long heldBytesSeen;
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
        this.loop = new StepLoop(ports.vertx(), this::step, this::stepFailed, this::release);
        ports.metrics().start(space.name());
        ports.metrics().gauge("cw.delivery.backlog", "Notifications waiting for delivery to the space (in Redis)",
                space.name(), () -> backlog);
        ports.metrics().gauge("cw.delivery.refused", "1 while the space refuses its webhook (401/403/404)",
                space.name(), () -> refused ? 1 : 0);
        ports.metrics().startStallSignals(space.name(), this::oldestUndeliveredSeconds);
    }

    String name() {
        return space.name();
    }

    boolean refused() {
        return refused;
    }

    /** Notifications of this space held in memory now (at most {@code delivery.max-held}). */
    int heldRecords() {
        return heldRecords;
    }

    /** Their bytes (at most {@code delivery.max-held-bytes}, or one larger notification alone). */
    long heldBytes() {
        return heldBytesSeen;
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
        if (failure instanceof RedisFailure) {
            if (current != null && current.settleOnly) {
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
            if (current == null) {
                return compose();
            }
            return current.settleOnly ? settle(current) : attempt(current);
        }).invoke(() -> stepFailures = 0);
    }

    /** Takes or renews the lease, and loads what arrived since, within the bounds of memory. */
    private Uni<Void> sync() {
        boolean held = holder;
        int room = held ? config.maxHeld() - waiting.size() : config.maxHeld();
        long bytesRoom = held ? maxHeldBytes - heldBytes : maxHeldBytes;
        return redis(ports.queues().sync(space.name(), token, config.lease(), held ? loadedUpTo : 0, room,
                bytesRoom, !held || waiting.isEmpty())).chain(this::synced);
    }

    private Uni<Void> synced(SpaceQueues.Sync sync) {
        backlog = sync.backlog();
        oldestMillis = sync.oldestMillis();
        if (sync.holder() == 0) {
            lose();
            return Uni.createFrom().voidItem();
        }
        if (sync.holder() == 2 && (holder || loadedUpTo > 0 || current != null)) {
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
        long upTo = loadedUpTo;
        for (SpaceQueues.Loaded loaded : sync.loaded()) {
            upTo = Math.max(upTo, loaded.seq());
            if (loaded.pending() == null) {
                DeliveryLog.LOG.unreadable(space.name(), loaded.id());
                drops.add(redis(ports.queues().drop(space.name(), loaded.id())));
            } else {
                fresh.add(loaded.pending());
            }
        }
        long newUpTo = upTo;
        Uni<Void> dropped = drops.isEmpty()
                ? Uni.createFrom().voidItem()
                : Uni.join().all(drops).andFailFast().replaceWithVoid();
        if (fresh.isEmpty()) {
            return dropped.invoke(() -> loadedUpTo = newUpTo);
        }
        return dropped.chain(() -> redis(ports.units().findAll(space.name(),
                fresh.stream().map(Pending::dedupeKey).toList()))).invoke(begun -> hold(fresh, begun, newUpTo))
                .replaceWithVoid();
    }

    /** The notifications loaded, each carrying the message begun for it before, if one is not settled. */
    private void hold(List<Pending> fresh, Map<String, SendingUnit> begun, long upTo) {
        for (Pending p : fresh) {
            SendingUnit unit = begun.get(p.dedupeKey());
            waiting.add(unit == null ? p : p.resuming(unit));
            heldBytes += p.size();
        }
        loadedUpTo = upTo;
        observeHeld();
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
        waiting.clear();
        heldBytes = 0;
        loadedUpTo = 0;
        current = null;
        refused = false;
        push = Duration.ZERO;
        observeHeld();
    }

    private void observeHeld() {
        heldRecords = waiting.size();
        heldBytesSeen = heldBytes;
    }

    private void renew() {
        if (!holder || stopped) {
            return;
        }
        ports.queues().renew(space.name(), token, config.lease()).subscribe().with(held -> {
            if (!held) {
                leaseLost = true;
            }
        }, failure -> {
            // Redis away: the next step's sync finds out
        });
    }

    /** The next message, begun in Redis (fenced by the lease) before its first POST. */
    private Uni<Next> compose() {
        Unit unit = nextUnit();
        if (unit == null) {
            return Uni.createFrom().item(idle);
        }
        if (unit.resumed()) {
            DeliveryLog.LOG.resuming(space.name(), unit.covered().size(), unit.message().dedupeKeys().size(),
                    unit.message().requestId());
        }
        return redis(ports.units().begin(space.name(), token, unit.message())).chain(begun -> {
            if (begun.notHolder()) {
                lose();
                return Uni.createFrom().item(idle);
            }
            if (begun.other() != null) {
                return resumeOther(begun.other());
            }
            current = new Attempt(unit);
            return attempt(current);
        });
    }

    /**
     * One begun elsewhere (and not seen when its notifications were loaded) names some of them: they go in it,
     * as it was.
     */
    private Uni<Next> resumeOther(String requestId) {
        return redis(ports.units().byRequestId(space.name(), requestId)).map(other -> {
            if (other != null) {
                Set<String> keys = new HashSet<>(other.dedupeKeys());
                waiting.replaceAll(p -> keys.contains(p.dedupeKey()) ? p.resuming(other) : p);
            }
            return Next.NOW;
        });
    }

    /**
     * One begun before, if a waiting notification carries one (with every waiting notification it covers); else
     * the oldest notification, or a digest of the most severe when the backlog would take longer than
     * {@code delivery.max-delay}. Null when nothing waits.
     */
    private Unit nextUnit() {
        if (waiting.isEmpty()) {
            return null;
        }
        for (Pending p : waiting) {
            if (p.resumes() != null) {
                Set<String> keys = new HashSet<>(p.resumes().dedupeKeys());
                return new Unit(waiting.stream().filter(w -> keys.contains(w.dedupeKey())).toList(), p.resumes(),
                        true);
            }
        }
        Pending head = waiting.get(0);
        int queued = (int) Math.min(Integer.MAX_VALUE, Math.max(backlog, waiting.size()));
        if (head.individually() || !pace.digestNow(queued)) {
            return new Unit(List.of(head), new SendingUnit(RequestIds.of(head.dedupeKey()), head.body(),
                    List.of(head.dedupeKey()), false), false);
        }
        List<Pending> candidates = waiting.stream().filter(p -> !p.individually())
                .sorted(Pending.MOST_SEVERE_FIRST).toList();
        DigestBuilder.Digest digest = DigestBuilder.build(candidates);
        return new Unit(digest.covered(), new SendingUnit(digest.requestId(), digest.body(),
                digest.covered().stream().map(Pending::dedupeKey).toList(), true), false);
    }

    /** One POST of the message (or of the check), in its slot of the shared schedule. */
    private Uni<Next> attempt(Attempt attempt) {
        boolean check = attempt.checkDue;
        return redis(ports.schedule().reserve(space.name(), pace.interval(), push)).chain(wait -> {
            push = Duration.ZERO;
            return pause(wait);
        }).chain(() -> {
            if (stopped) {
                return Uni.createFrom().item(idle); // left in Redis for the next holder
            }
            SendingUnit message = attempt.unit.message();
            return ports.client().post(space, check ? CHECK_REQUEST_ID : message.requestId(),
                    check ? CHECK_BODY : message.body())
                    .onItemOrFailure().transformToUni((reply, failure) -> check
                            ? checked(attempt, reply, failure)
                            : answered(attempt, reply, failure));
        });
    }

    private Uni<Next> answered(Attempt attempt, WebhookReply reply, Throwable failure) {
        if (failure != null) {
            return failed(attempt, 0, LogSafe.oneLine(String.valueOf(failure.getMessage())));
        }
        return switch (reply.verdict()) {
            case ACCEPTED -> accepted(attempt);
            case THROTTLED -> throttled(reply);
            case RETRY -> failed(attempt, reply.status(), "HTTP " + reply.status());
            case REFUSED -> refusedBy(reply);
            case REJECTED -> rejected(attempt, reply);
        };
    }

    private Uni<Next> accepted(Attempt attempt) {
        if (refused) {
            refused = false;
            DeliveryLog.LOG.resumed(space.name());
        }
        pace.accepted();
        throttles = 0;
        attempt.settleOnly = true;
        Unit unit = attempt.unit;
        long now = System.currentTimeMillis();
        ports.metrics().delivered(space.name(), unit.covered().size());
        unit.covered().forEach(p -> ports.metrics().lag(space.name(),
                Duration.ofMillis(now - p.timestamp().toEpochMilli())));
        if (unit.digest()) {
            ports.metrics().digested(space.name(), unit.covered().size());
            DeliveryLog.LOG.digest(space.name(), unit.covered().size(),
                    (int) Math.max(0, backlog - unit.message().dedupeKeys().size()));
        }
        return settle(attempt);
    }

    /**
     * Marks the message's dedupe-keys settled and takes its notifications out of the queue, here and in Redis
     * (also those not loaded yet: a resumed message may cover more than is held).
     */
    private Uni<Next> settle(Attempt attempt) {
        attempt.settleOnly = true;
        SendingUnit message = attempt.unit.message();
        return redis(ports.queues().settle(space.name(), message)).map(ignored -> {
            Set<String> keys = new HashSet<>(message.dedupeKeys());
            for (Iterator<Pending> it = waiting.iterator(); it.hasNext();) {
                Pending p = it.next();
                if (keys.contains(p.dedupeKey())) {
                    heldBytes -= p.size();
                    it.remove();
                }
            }
            observeHeld();
            current = null;
            return Next.NOW;
        });
    }

    private Uni<Next> throttled(WebhookReply reply) {
        long retryAfter = reply.retryAfterMillis();
        Duration pause = retryAfter >= 0 ? Duration.ofMillis(retryAfter) : backoff.after(++throttles);
        if (pause.compareTo(config.maxRetryAfter()) > 0) {
            pause = config.maxRetryAfter();
        }
        pace.throttled();
        push = pause; // the next slot, for every instance, is at least this far
        ports.metrics().retried(space.name(), DeliveryMetrics.RetryReason.THROTTLED);
        DeliveryLog.LOG.throttled(space.name(), pause.toMillis(), (int) Math.round(pace.slowdown()));
        return Uni.createFrom().item(Next.NOW);
    }

    private Uni<Next> failed(Attempt attempt, int status, String reason) {
        attempt.failures++;
        attempt.lastFailure = reason;
        attempt.lastStatus = status;
        Duration pause = backoff.after(attempt.failures);
        ports.metrics().retried(space.name(), DeliveryMetrics.RetryReason.FAILED);
        DeliveryLog.LOG.failed(space.name(), reason, attempt.failures, pause.toMillis());
        if (attempt.lastChance) {
            return giveUp(attempt); // the space answers, this message does not
        }
        if (attempt.failures % Math.max(1, config.maxAttempts()) == 0) {
            attempt.checkDue = true;
        }
        return Uni.createFrom().item(Next.after(pause));
    }

    /** The answer to the check after {@code delivery.max-attempts} failures: the message, or an outage? */
    private Uni<Next> checked(Attempt attempt, WebhookReply reply, Throwable failure) {
        attempt.checkDue = false;
        if (failure == null) {
            switch (reply.verdict()) {
                case ACCEPTED, REJECTED :
                    attempt.lastChance = true; // the space answers: one more try of the message tells
                    return Uni.createFrom().item(Next.NOW);
                case REFUSED :
                    return refusedBy(reply);
                case THROTTLED :
                    attempt.checkDue = true;
                    return throttled(reply);
                default :
                    break;
            }
        }
        String reason = failure != null
                ? LogSafe.oneLine(String.valueOf(failure.getMessage()))
                : "HTTP " + reply.status();
        DeliveryLog.LOG.outage(space.name(), reason, attempt.failures);
        return Uni.createFrom().item(Next.after(backoff.after(attempt.failures)));
    }

    private Uni<Next> giveUp(Attempt attempt) {
        Unit unit = attempt.unit;
        if (unit.digest()) {
            DeliveryLog.LOG.digestGivenUp(space.name(), attempt.failures, attempt.lastFailure, unit.covered().size());
            return split(attempt);
        }
        String reason = "Given up: " + attempt.lastFailure + " on each of " + attempt.failures
                + " attempts, while the space answered other requests";
        unit.covered().forEach(p -> DeliveryLog.LOG.givenUp(space.name(), attempt.failures, attempt.lastFailure,
                LogSafe.oneLine(p.dedupeKey())));
        return deadLetterAll(unit.covered(), attempt.lastStatus, reason, "").chain(() -> settle(attempt));
    }

    private Uni<Next> refusedBy(WebhookReply reply) {
        if (!refused) {
            refused = true;
            DeliveryLog.LOG.refused(space.name(), reply.status(), reply.errorMessage(),
                    config.probeInterval().toSeconds());
        }
        ports.metrics().retried(space.name(), DeliveryMetrics.RetryReason.REFUSED);
        return Uni.createFrom().item(Next.after(config.probeInterval()));
    }

    private Uni<Next> rejected(Attempt attempt, WebhookReply reply) {
        Unit unit = attempt.unit;
        if (unit.digest()) {
            DeliveryLog.LOG.digestRejected(space.name(), reply.status(), reply.errorMessage(), unit.covered().size());
            return split(attempt);
        }
        String message = reply.errorMessage();
        String reason = "Google Chat rejected the message: HTTP " + reply.status()
                + (message.isEmpty() ? "" : ": " + message);
        return deadLetterAll(unit.covered(), reply.status(), reason, message).invoke(() -> unit.covered()
                .forEach(p -> DeliveryLog.LOG.deadLettered(space.name(), reply.status(), message,
                        LogSafe.oneLine(p.dedupeKey()))))
                .chain(() -> settle(attempt));
    }

    /** A digest never created: forgotten, and its notifications (here and wherever they are) composed alone. */
    private Uni<Next> split(Attempt attempt) {
        SendingUnit message = attempt.unit.message();
        return redis(ports.units().forget(space.name(), message)).map(ignored -> {
            Set<String> keys = new HashSet<>(message.dedupeKeys());
            waiting.replaceAll(p -> keys.contains(p.dedupeKey()) ? p.alone() : p);
            current = null;
            return Next.NOW;
        });
    }

    private Uni<Void> deadLetterAll(List<Pending> covered, int status, String reason, String googleMessage) {
        List<Uni<Void>> letters = covered.stream()
                .map(p -> ports.deadLetters().writeOrGiveUp(p, space.name(), status, reason, googleMessage)).toList();
        return letters.isEmpty()
                ? Uni.createFrom().voidItem()
                : Uni.join().all(letters).andFailFast()
                        .replaceWithVoid();
    }

    private static <T> Uni<T> redis(Uni<T> call) {
        return call.onFailure().transform(RedisFailure::new);
    }

    /** Mutiny refuses to delay by zero. */
    private static Uni<Void> pause(Duration duration) {
        return duration.isZero() || duration.isNegative()
                ? Uni.createFrom().voidItem()
                : Uni.createFrom().voidItem().onItem().delayIt().by(duration);
    }
}
