package dev.conversationworker.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;
import java.util.function.Predicate;

import io.smallrye.mutiny.Uni;

import dev.conversationworker.support.Backoff;
import dev.conversationworker.support.LogSafe;

/**
 * Delivers the waiting notifications of one space, one message at a time at the shared pace: a notification alone
 * while the backlog can be sent within {@code delivery.max-delay}, else a digest of as many as fit. Each message is
 * POSTed until Google settles it: accepted (its records are remembered as delivered, then acknowledged), rejected
 * (dead-lettered, or, for a digest, its notifications sent one by one), or refused (401/403/404: the space stops,
 * readiness turns DOWN, and the same message is tried again every {@code delivery.probe-interval}). 429s, 5xx,
 * timeouts and I/O failures are retried with backoff and jitter without end, with the same {@code requestId}.
 * Each message is remembered in Redis before its POST ({@link SendingUnits}); records that carry such a message,
 * begun before by this instance or by one that died during the POST, are sent in exactly that message again, ahead
 * of anything composed now: Google returns the message if it created it, so a conversation is never in two.
 */
final class SpaceDeliverer {

    /**
     * One message to POST and the records held here that it settles.
     *
     * @param resumed the message was begun before (here or elsewhere) and is sent again as it was
     */
    private record Unit(List<Pending> covered, SendingUnit message, boolean resumed) {

        boolean digest() {
            return message.digest();
        }
    }

    private final Space space;
    private final Pace pace;
    private final Backoff backoff;
    private final Duration probeInterval;
    private final Ports ports;
    private final IntConsumer settled;
    private final List<Pending> waiting = new ArrayList<>();
    /**
     * Dedupe-keys this deliverer had accepted lately. A repeat that reached {@link #add} while its first copy was
     * being sent passed the consumer's Redis check (not marked yet): it is settled here, without a second card.
     */
    private final Set<String> recentlyDelivered = Collections.newSetFromMap(new LinkedHashMap<>() {

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > RECENTLY_DELIVERED;
        }
    });
    private static final int RECENTLY_DELIVERED = 10_000;
    private boolean sending;
    /** Records in the message being sent now. */
    private int inMessage;
    private volatile boolean refused;
    private volatile boolean stopped;

    /** What a deliverer talks to. */
    record Ports(WebhookClient client, SharedSchedule schedule, DeliveredKeys delivered, SendingUnits units,
            DeliveryDeadLetters deadLetters, DeliveryMetrics metrics) {
    }

    SpaceDeliverer(Space space, Pace pace, Backoff backoff, Duration probeInterval, Ports ports, IntConsumer settled) {
        this.space = space;
        this.pace = pace;
        this.backoff = backoff;
        this.probeInterval = probeInterval;
        this.ports = ports;
        this.settled = settled;
        ports.metrics().start(space.name());
        ports.metrics().gauge("cw.delivery.backlog", "Notifications waiting for delivery in this instance",
                space.name(), this::backlog);
        ports.metrics().gauge("cw.delivery.refused", "1 while the space refuses its webhook (401/403/404)",
                space.name(), () -> refused ? 1 : 0);
    }

    String name() {
        return space.name();
    }

    boolean refused() {
        return refused;
    }

    /** Records of this space held by this instance: waiting, and in the message being sent. */
    synchronized int backlog() {
        return waiting.size() + inMessage;
    }

    void add(Pending pending) {
        synchronized (this) {
            waiting.add(pending);
        }
        kick();
    }

    void stop() {
        stopped = true;
    }

    private void kick() {
        synchronized (this) {
            if (sending || stopped || waiting.isEmpty()) {
                return;
            }
            sending = true;
        }
        Uni.createFrom().deferred(this::round).subscribe().with(done -> next(), failure -> next());
    }

    private void next() {
        synchronized (this) {
            sending = false;
            inMessage = 0;
        }
        kick();
    }

    private Uni<Void> round() {
        List<Pending> repeats = takeRepeats();
        if (!repeats.isEmpty()) {
            ports.metrics().duplicate(space.name(), repeats.size());
            return acknowledge(repeats);
        }
        Unit unit = take();
        if (unit.resumed()) {
            DeliveryLog.LOG.resuming(space.name(), unit.covered().size(), unit.message().dedupeKeys().size(),
                    unit.message().requestId());
        }
        return begin(unit).chain(() -> send(unit, 0, Duration.ZERO)).onFailure().recoverWithUni(failure -> {
            Duration pause = backoff.after(1);
            DeliveryLog.LOG.unexpected(space.name(), LogSafe.oneLine(String.valueOf(failure)), pause.toMillis());
            // The POST may have happened: the records keep their message rather than join another one.
            putBack(unit.covered().stream().map(p -> p.resuming(unit.message())).toList());
            return pause(pause);
        });
    }

    /**
     * Remembers the message in Redis before its POST, so that whoever holds its records next sends exactly it;
     * Redis failures are retried without end (nothing is sent meanwhile).
     */
    private Uni<Void> begin(Unit unit) {
        return Uni.createFrom().deferred(() -> ports.units().begin(space.name(), unit.message()))
                .onFailure().invoke(failure -> DeliveryLog.LOG.redisFailed(space.name(),
                        LogSafe.oneLine(String.valueOf(failure.getMessage())), backoff.max().toMillis()))
                .onFailure().retry().withBackOff(backoff.initial(), backoff.max()).withJitter(0.5).indefinitely();
    }

    /** Drops a settled message from Redis; a failure only leaves it there until the dedupe window ends. */
    private Uni<Void> forget(Unit unit) {
        return Uni.createFrom().deferred(() -> ports.units().forget(space.name(), unit.message()))
                .onFailure().recoverWithNull();
    }

    /** Waiting records whose dedupe-key this deliverer has just delivered: taken out, to be acknowledged. */
    private synchronized List<Pending> takeRepeats() {
        return takeWaiting(p -> recentlyDelivered.contains(p.dedupeKey()));
    }

    /** The waiting records that match, taken out of the queue in their order. Call it holding this lock. */
    private List<Pending> takeWaiting(Predicate<Pending> which) {
        List<Pending> taken = new ArrayList<>();
        for (Iterator<Pending> it = waiting.iterator(); it.hasNext();) {
            Pending p = it.next();
            if (which.test(p)) {
                taken.add(p);
                it.remove();
            }
        }
        return taken;
    }

    /**
     * The next message: one begun before, if a waiting record carries one (with every waiting record it covers);
     * else the oldest notification (with those of equal dedupe-key), or a digest of the most severe.
     */
    private synchronized Unit take() {
        Unit unit = nextUnit();
        inMessage = unit.covered().size();
        return unit;
    }

    private Unit nextUnit() {
        for (Pending p : waiting) {
            if (p.resumes() != null) {
                return resumed(p.resumes());
            }
        }
        Pending head = waiting.get(0);
        if (head.individually() || !pace.digestNow(waiting.size())) {
            List<Pending> covered = takeWaiting(p -> p.dedupeKey().equals(head.dedupeKey()));
            return new Unit(covered, new SendingUnit(RequestIds.of(head.dedupeKey()), head.body(),
                    List.of(head.dedupeKey()), false), false);
        }
        List<Pending> candidates = waiting.stream().filter(p -> !p.individually()).sorted(Pending.MOST_SEVERE_FIRST)
                .toList();
        DigestBuilder.Digest digest = DigestBuilder.build(candidates);
        waiting.removeAll(digest.covered());
        return new Unit(digest.covered(), new SendingUnit(digest.requestId(), digest.body(),
                digest.covered().stream().map(Pending::dedupeKey).toList(), true), false);
    }

    /** The message as it was begun, covering every waiting record among its dedupe-keys, whatever they carry. */
    private Unit resumed(SendingUnit message) {
        Set<String> keys = new HashSet<>(message.dedupeKeys());
        return new Unit(takeWaiting(p -> keys.contains(p.dedupeKey())), message, true);
    }

    private synchronized void putBack(List<Pending> pendings) {
        waiting.addAll(0, pendings);
    }

    private Uni<Void> send(Unit unit, int failures, Duration pause) {
        if (stopped) {
            return Uni.createFrom().voidItem(); // left unacknowledged: redelivered to the next owner
        }
        return slot(pause)
                .chain(SpaceDeliverer::pause)
                .chain(() -> ports.client().post(space, unit.message().requestId(), unit.message().body()))
                .onItemOrFailure().transformToUni((reply, failure) -> {
                    if (failure != null) {
                        return failed(unit, failures + 1, LogSafe.oneLine(failure.getMessage()));
                    }
                    switch (reply.verdict()) {
                        case ACCEPTED :
                            return accepted(unit);
                        case THROTTLED :
                            return throttled(unit, failures + 1, reply);
                        case RETRY :
                            return failed(unit, failures + 1, "HTTP " + reply.status());
                        case REFUSED :
                            return refusedBy(unit, failures + 1, reply);
                        default :
                            return rejected(unit, reply);
                    }
                });
    }

    /** The wait for this space's next slot in the shared schedule; Redis failures are retried without end. */
    private Uni<Duration> slot(Duration pause) {
        return Uni.createFrom().deferred(() -> ports.schedule().reserve(space.name(), pace.interval(), pause))
                .onFailure().invoke(failure -> DeliveryLog.LOG.redisFailed(space.name(),
                        LogSafe.oneLine(String.valueOf(failure.getMessage())), backoff.max().toMillis()))
                .onFailure().retry().withBackOff(backoff.initial(), backoff.max()).withJitter(0.5).indefinitely();
    }

    private Uni<Void> accepted(Unit unit) {
        if (refused) {
            refused = false;
            DeliveryLog.LOG.resumed(space.name());
        }
        pace.accepted();
        // All the message's dedupe-keys, also those of records held elsewhere (a resumed message): they are then
        // found delivered wherever they are.
        List<String> keys = unit.message().dedupeKeys();
        synchronized (this) {
            recentlyDelivered.addAll(keys);
        }
        return ports.delivered().markDelivered(keys)
                .chain(() -> forget(unit))
                .onFailure().recoverWithItem(failure -> {
                    DeliveryLog.LOG.notRemembered(space.name(), LogSafe.oneLine(String.valueOf(failure.getMessage())));
                    return null;
                })
                // Counted before the acknowledgement: nothing may fail after it, or round() would put settled
                // records back.
                .invoke(() -> {
                    Instant now = Instant.now();
                    int distinct = (int) unit.covered().stream().map(Pending::dedupeKey).distinct().count();
                    ports.metrics().delivered(space.name(), distinct);
                    ports.metrics().duplicate(space.name(), unit.covered().size() - distinct);
                    unit.covered()
                            .forEach(p -> ports.metrics().lag(space.name(), Duration.between(p.timestamp(), now)));
                    if (unit.digest()) {
                        ports.metrics().digested(space.name(), distinct);
                        DeliveryLog.LOG.digest(space.name(), distinct, backlog() - unit.covered().size());
                    }
                })
                .chain(() -> acknowledge(unit.covered()));
    }

    private Uni<Void> throttled(Unit unit, int failures, WebhookReply reply) {
        long retryAfter = reply.retryAfterMillis();
        Duration pause = retryAfter >= 0 ? Duration.ofMillis(retryAfter) : backoff.after(failures);
        pace.throttled();
        ports.metrics().retried(space.name(), DeliveryMetrics.RetryReason.THROTTLED);
        DeliveryLog.LOG.throttled(space.name(), pause.toMillis(), (int) Math.round(pace.slowdown()));
        return send(unit, failures, pause);
    }

    private Uni<Void> failed(Unit unit, int failures, String reason) {
        Duration pause = backoff.after(failures);
        ports.metrics().retried(space.name(), DeliveryMetrics.RetryReason.FAILED);
        DeliveryLog.LOG.failed(space.name(), reason, failures, pause.toMillis());
        return pause(pause)
                .chain(() -> send(unit, failures, Duration.ZERO));
    }

    private Uni<Void> refusedBy(Unit unit, int failures, WebhookReply reply) {
        if (!refused) {
            refused = true;
            DeliveryLog.LOG.refused(space.name(), reply.status(), reply.errorMessage(), probeInterval.toSeconds());
        }
        ports.metrics().retried(space.name(), DeliveryMetrics.RetryReason.REFUSED);
        return pause(probeInterval)
                .chain(() -> send(unit, failures, Duration.ZERO));
    }

    private Uni<Void> rejected(Unit unit, WebhookReply reply) {
        if (unit.digest()) {
            DeliveryLog.LOG.digestRejected(space.name(), reply.status(), reply.errorMessage(), unit.covered().size());
            // Never created: its records, here and wherever they are held, are composed afresh.
            return forget(unit).invoke(() -> putBack(unit.covered().stream().map(Pending::alone).toList()));
        }
        List<Uni<Void>> letters = unit.covered().stream().map(p -> deadLetter(p, reply)).toList();
        return Uni.join().all(letters).andFailFast().chain(() -> forget(unit))
                .chain(() -> acknowledge(unit.covered()));
    }

    private Uni<Void> deadLetter(Pending pending, WebhookReply reply) {
        return Uni.createFrom().deferred(() -> ports.deadLetters().write(pending, space.name(), reply))
                .onFailure().invoke(failure -> DeliveryLog.LOG.deadLetterFailed(space.name(),
                        LogSafe.oneLine(String.valueOf(failure.getMessage()))))
                .onFailure().retry().withBackOff(backoff.initial(), backoff.max()).withJitter(0.5).indefinitely()
                .invoke(() -> {
                    ports.metrics().deadLettered(space.name());
                    DeliveryLog.LOG.deadLettered(space.name(), reply.status(), reply.errorMessage(),
                            LogSafe.oneLine(pending.dedupeKey()));
                });
    }

    /** Mutiny refuses to delay by zero. */
    private static Uni<Void> pause(Duration duration) {
        return duration.isZero() || duration.isNegative()
                ? Uni.createFrom().voidItem()
                : Uni.createFrom().voidItem().onItem().delayIt().by(duration);
    }

    private Uni<Void> acknowledge(List<Pending> covered) {
        List<Uni<Void>> acks = covered.stream()
                .map(p -> Uni.createFrom().completionStage(p.record().ack())).toList();
        // A failed acknowledgement (the consumer closed by a rebalance) is not sent again: the record is
        // redelivered to the next owner, which finds its dedupe-key delivered.
        return Uni.join().all(acks).andCollectFailures().replaceWithVoid().onFailure().recoverWithNull()
                .invoke(() -> settled.accept(covered.size()));
    }
}
