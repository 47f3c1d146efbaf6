package dev.conversationworker.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How the soak (S5) runs: for how long, how much traffic, when the LLM is down, how long Redis keeps what the worker
 * writes, how often it is sampled. From {@code -Dbench.soak.*} (minutes may have decimals); the defaults are the
 * issue's: 60 minutes, an outage of 5 minutes every 20, the first after a 5-minute warm-up.
 *
 * @param length traffic runs this long; the samples cover it
 * @param warmUp not in the slopes (the JIT, the heap and the pools settling); the first outage starts at its end
 * @param outageEvery one outage starts every this long after the warm-up
 * @param outageLength how long each outage lasts
 * @param ttl history TTL, attention window and delivery dedupe window: Redis memory turns over after it
 * @param sampleEvery heap after a GC, RSS, Redis memory, threads and lags sampled this often
 * @param conversationsPerSecond new conversations a second, of every kind ({@link SoakTraffic})
 * @param idleAfter the worker's {@code analysis.idle-after}: a conversation left open is analysed after it
 */
record SoakSettings(Duration length, Duration warmUp, Duration outageEvery, Duration outageLength, Duration ttl,
        Duration sampleEvery, double conversationsPerSecond, Duration idleAfter) {

    /** One LLM outage, in time since the soak's traffic started. */
    record Outage(int number, Duration start, Duration end) {

        boolean covers(Duration elapsed) {
            return elapsed.compareTo(start) >= 0 && elapsed.compareTo(end) < 0;
        }
    }

    static SoakSettings fromSystemProperties() {
        return new SoakSettings(minutes("bench.soak.minutes", 60), minutes("bench.soak.warm-up-minutes", 5),
                minutes("bench.soak.outage-every-minutes", 20), minutes("bench.soak.outage-minutes", 5),
                minutes("bench.soak.ttl-minutes", 10),
                Duration.ofMillis(Math.round(1000 * number("bench.soak.sample-seconds", 60))),
                number("bench.soak.rate", 30), Duration.ofSeconds(30));
    }

    /**
     * The outages: from the end of the warm-up, one every {@link #outageEvery}, each {@link #outageLength} long; one
     * is left out when less than its own length would remain after it, so that every outage's recovery is seen.
     */
    List<Outage> outages() {
        List<Outage> outages = new ArrayList<>();
        if (outageLength.isZero() || outageEvery.isZero()) {
            return outages;
        }
        for (Duration start = warmUp; start.plus(outageLength.multipliedBy(2)).compareTo(length) <= 0; start = start
                .plus(outageEvery)) {
            outages.add(new Outage(outages.size() + 1, start, start.plus(outageLength)));
        }
        return outages;
    }

    /** Whether the LLM is down at {@code elapsed} into the soak. */
    boolean llmDown(Duration elapsed) {
        return outages().stream().anyMatch(o -> o.covers(elapsed));
    }

    /**
     * Where Redis memory should be flat: after the warm-up, and after every key written at the start has expired (the
     * longest TTL the soak sets, plus one sample).
     */
    Duration redisSettledFrom() {
        Duration turnedOver = ttl.plus(sampleEvery);
        return turnedOver.compareTo(warmUp) > 0 ? turnedOver : warmUp;
    }

    private static Duration minutes(String property, double defaultMinutes) {
        return Duration.ofMillis(Math.round(60_000 * number(property, defaultMinutes)));
    }

    private static double number(String property, double defaultValue) {
        String value = System.getProperty(property, "");
        return value.isBlank() ? defaultValue : Double.parseDouble(value.trim());
    }
}
