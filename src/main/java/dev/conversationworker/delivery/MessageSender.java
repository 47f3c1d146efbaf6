package dev.conversationworker.delivery;

import static dev.conversationworker.delivery.DeliveryRedisFailure.marked;

import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

import io.smallrye.mutiny.Uni;

import dev.conversationworker.delivery.StepLoop.Next;
import dev.conversationworker.support.Backoff;
import dev.conversationworker.support.LogSafe;

/**
 * POSTs one space's message until Google settles it, one attempt per step in its slot of the shared schedule:
 * accepted (its notifications are marked settled and leave the queue), rejected (dead-lettered, or, for a digest,
 * its notifications sent one by one), or refused (401/403/404: the space stops, readiness turns DOWN, and the same
 * message is tried again every {@code delivery.probe-interval}). 429s are retried after {@code Retry-After} or a
 * backoff, capped at {@code delivery.max-retry-after}; 5xx, 408, timeouts and I/O failures after a backoff, and after
 * {@code delivery.max-attempts} of them in a row the space is checked with an empty message: if it answers (400),
 * this message is to blame and is dead-lettered (a digest is split); if not, it is an outage and the message is
 * retried on.
 */
final class MessageSender {

    /**
     * The check of whether a space answers at all: an empty message, which Google never creates and answers 400
     * ("Message cannot be empty") while the space works; a fixed requestId all the same.
     */
    static final String CHECK_BODY = "{}";
    static final String CHECK_REQUEST_ID = "cw-check-empty";

    private final Space space;
    private final DeliveryConfig config;
    private final SpaceDeliverer.Ports ports;
    private final Pace pace;
    private final Backoff backoff;
    private final HeldNotifications held;
    private final LongSupplier backlog;
    private final BooleanSupplier stopped;
    private final Next idle;

    // One step at a time touches these (a step starts from a timer set by the previous one's end).
    private MessageAttempt current;
    private Duration push = Duration.ZERO;
    private int throttles;
    private volatile boolean refused;

    /**
     * @param backlog the space's notifications waiting in Redis, for the log
     * @param stopped whether delivery is stopping: a POST not started is left for the next holder
     */
    MessageSender(Space space, DeliveryConfig config, SpaceDeliverer.Ports ports, Pace pace, HeldNotifications held,
            LongSupplier backlog, BooleanSupplier stopped) {
        this.space = space;
        this.config = config;
        this.ports = ports;
        this.pace = pace;
        this.backoff = new Backoff(config.retryInitialBackoff(), config.retryMaxBackoff());
        this.held = held;
        this.backlog = backlog;
        this.stopped = stopped;
        this.idle = Next.idle(config.pollInterval());
    }

    /** Whether the space refuses its webhook (401/403/404) now. */
    boolean refused() {
        return refused;
    }

    /** A message is under way. */
    boolean sending() {
        return current != null;
    }

    /** The message under way is settled, only its settling in Redis is left. */
    boolean settling() {
        return current != null && current.settleOnly;
    }

    /** Forgets the message under way (it waits in Redis) and what its space said. */
    void reset() {
        current = null;
        refused = false;
        push = Duration.ZERO;
    }

    /** The first attempt of a message just begun in Redis. */
    Uni<Next> send(OutgoingMessage message) {
        current = new MessageAttempt(message);
        return attempt(current);
    }

    /** The next step of the message under way. */
    Uni<Next> resume() {
        return current.settleOnly ? settle(current) : attempt(current);
    }

    /** One POST of the message (or of the check), in its slot of the shared schedule. */
    private Uni<Next> attempt(MessageAttempt attempt) {
        boolean check = attempt.checkDue;
        return marked(ports.schedule().reserve(space.name(), pace.interval(), push)).chain(wait -> {
            push = Duration.ZERO;
            return pause(wait);
        }).chain(() -> {
            if (stopped.getAsBoolean()) {
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

    private Uni<Next> answered(MessageAttempt attempt, WebhookReply reply, Throwable failure) {
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

    private Uni<Next> accepted(MessageAttempt attempt) {
        if (refused) {
            refused = false;
            DeliveryLog.LOG.resumed(space.name());
        }
        pace.accepted();
        throttles = 0;
        attempt.settleOnly = true;
        OutgoingMessage unit = attempt.unit;
        long now = System.currentTimeMillis();
        ports.metrics().delivered(space.name(), unit.covered().size());
        unit.covered().forEach(p -> ports.metrics().lag(space.name(),
                Duration.ofMillis(now - p.timestamp().toEpochMilli())));
        if (unit.digest()) {
            ports.metrics().digested(space.name(), unit.covered().size());
            DeliveryLog.LOG.digest(space.name(), unit.covered().size(),
                    (int) Math.max(0, backlog.getAsLong() - unit.message().dedupeKeys().size()));
        }
        return settle(attempt);
    }

    /**
     * Marks the message's dedupe-keys settled and takes its notifications out of the queue, here and in Redis
     * (also those not loaded yet: a resumed message may cover more than is held).
     */
    private Uni<Next> settle(MessageAttempt attempt) {
        attempt.settleOnly = true;
        SendingUnit message = attempt.unit.message();
        return marked(ports.queues().settle(space.name(), message)).map(ignored -> {
            held.settled(message.dedupeKeys());
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

    private Uni<Next> failed(MessageAttempt attempt, int status, String reason) {
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
    private Uni<Next> checked(MessageAttempt attempt, WebhookReply reply, Throwable failure) {
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

    private Uni<Next> giveUp(MessageAttempt attempt) {
        OutgoingMessage unit = attempt.unit;
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

    private Uni<Next> rejected(MessageAttempt attempt, WebhookReply reply) {
        OutgoingMessage unit = attempt.unit;
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
    private Uni<Next> split(MessageAttempt attempt) {
        SendingUnit message = attempt.unit.message();
        return marked(ports.units().forget(space.name(), message)).map(ignored -> {
            held.alone(message.dedupeKeys());
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

    /** Mutiny refuses to delay by zero. */
    private static Uni<Void> pause(Duration duration) {
        return duration.isZero() || duration.isNegative()
                ? Uni.createFrom().voidItem()
                : Uni.createFrom().voidItem().onItem().delayIt().by(duration);
    }
}
