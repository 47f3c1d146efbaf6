package dev.conversationworker.delivery;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** The metrics of delivery, tagged by space name (never by URL). */
@ApplicationScoped
class DeliveryMetrics {

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Timer> lags = new ConcurrentHashMap<>();

    DeliveryMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Why a POST to a space is sent again: {@code reason} of {@code cw_delivery_retried_total}. */
    enum RetryReason {

        /** 429. */
        THROTTLED("throttled"),
        /** 5xx, I/O, timeout. */
        FAILED("failed"),
        /** 401/403/404. */
        REFUSED("refused");

        private final String value;

        RetryReason(String value) {
            this.value = value;
        }
    }

    /**
     * A space's counters and its lag histogram, at 0 from the start: a rate over a counter that appears only with
     * its first increment misses that increment, and a dashboard panel would be empty instead of flat.
     */
    void start(String space) {
        for (String name : new String[]{"cw.delivery.delivered", "cw.delivery.digested", "cw.delivery.digests",
                "cw.delivery.dead.lettered", "cw.delivery.duplicates"}) {
            counter(name, space);
        }
        for (RetryReason reason : RetryReason.values()) {
            retries(space, reason);
        }
        lag(space);
    }

    /** Records whose message Google accepted, alone or in a digest. */
    void delivered(String space, int records) {
        counter("cw.delivery.delivered", space).increment(records);
    }

    /** Records delivered inside digests, and the digests. */
    void digested(String space, int records) {
        counter("cw.delivery.digested", space).increment(records);
        counter("cw.delivery.digests", space).increment();
    }

    void retried(String space, RetryReason reason) {
        retries(space, reason).increment();
    }

    private Counter retries(String space, RetryReason reason) {
        return counters.computeIfAbsent("cw.delivery.retried|" + space + "|" + reason.value, key -> Counter
                .builder("cw.delivery.retried").description("POSTs to a space sent again, by reason")
                .tags("space", space, "reason", reason.value).register(registry));
    }

    void deadLettered(String space) {
        counter("cw.delivery.dead.lettered", space).increment();
    }

    /** Records not sent because their dedupe-key was delivered within the window (or collapsed with another). */
    void duplicate(String space, int records) {
        counter("cw.delivery.duplicates", space).increment(records);
    }

    /** From the record's timestamp to Google's acceptance. */
    void lag(String space, Duration lag) {
        if (!lag.isNegative()) {
            lag(space).record(lag);
        }
    }

    private Timer lag(String space) {
        return lags.computeIfAbsent(space, s -> Timer.builder("cw.delivery.lag")
                .description("From a notification's record to Google's acceptance").tags("space", s)
                .publishPercentileHistogram().register(registry));
    }

    /**
     * Registered at start-up for each space, so that an alert sees a stall from its first minute: the age of the
     * space's oldest notification not delivered yet (0 when none waits; every delivering instance reads it from Redis,
     * so read it with {@code max by (space)}), and the notifications that could not even be dead-lettered.
     */
    void startStallSignals(String space, Supplier<Number> oldestUndeliveredSeconds) {
        Gauge.builder("cw.delivery.oldest.undelivered", oldestUndeliveredSeconds)
                .description("Age of the space's oldest notification not delivered yet (0 when none waits)")
                .baseUnit("seconds").tags("space", space).register(registry);
        counter("cw.delivery.dead.letters.failed", space);
    }

    /** A notification that could not be dead-lettered either: given up, with an ERROR line (CW0718). */
    void deadLetterFailed(String space) {
        counter("cw.delivery.dead.letters.failed", space).increment();
    }

    /** The space's notifications parked in Redis and not delivered yet. */
    void startBacklog(String space, Supplier<Number> backlog) {
        gauge("cw.delivery.backlog", "Notifications waiting for delivery to the space (in Redis)", space, backlog);
    }

    /** 1 while the space refuses its webhook. */
    void startRefused(String space, Supplier<Number> refused) {
        gauge("cw.delivery.refused", "1 while the space refuses its webhook (401/403/404)", space, refused);
    }

    private void gauge(String name, String description, String space, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).tags("space", space).register(registry);
    }

    private Counter counter(String name, String space) {
        return counters.computeIfAbsent(name + "|" + space, key -> registry.counter(name, "space", space));
    }
}
