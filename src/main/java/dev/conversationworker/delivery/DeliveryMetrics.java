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

    /**
     * A space's counters, at 0 from the start: a rate over a counter that appears only with its first increment
     * misses that increment, and a dashboard panel would be empty instead of flat.
     */
    void start(String space) {
        for (String name : new String[]{"cw.delivery.delivered", "cw.delivery.digested", "cw.delivery.digests",
                "cw.delivery.dead.lettered", "cw.delivery.duplicates"}) {
            counter(name, space);
        }
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

    /** @param reason {@code throttled} (429), {@code failed} (5xx, I/O, timeout) or {@code refused} (401/403/404) */
    void retried(String space, String reason) {
        counters.computeIfAbsent("cw.delivery.retried|" + space + "|" + reason, key -> Counter
                .builder("cw.delivery.retried").description("POSTs to a space sent again, by reason")
                .tags("space", space, "reason", reason).register(registry)).increment();
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
            lags.computeIfAbsent(space, s -> Timer.builder("cw.delivery.lag")
                    .description("From a notification's record to Google's acceptance").tags("space", s)
                    .publishPercentileHistogram().register(registry)).record(lag);
        }
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

    void gauge(String name, String description, String space, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).tags("space", space).register(registry);
    }

    private Counter counter(String name, String space) {
        return counters.computeIfAbsent(name + "|" + space, key -> registry.counter(name, "space", space));
    }
}
