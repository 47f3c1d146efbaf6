package dev.conversationworker.bench;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

import dev.conversationworker.bench.SoakSettings.Outage;

/**
 * The soak's verdicts and tables, from its samples: least-squares slopes per hour after the warm-up (Redis after its
 * TTLs turned over), and for each outage how long the input lag took to fall back under {@link #LAG_TARGET}.
 */
final class SoakReport {

    /** The targets: heap slope, lag after an outage and how soon. */
    static final double HEAP_SLOPE_TARGET_MIB_PER_HOUR = 1;
    static final long LAG_TARGET = 1000;
    static final Duration RECOVERY_TARGET = Duration.ofMinutes(5);
    /** Redis counts as flat when it grows by less than this share of its level in an hour. */
    static final double REDIS_FLAT_SHARE_PER_HOUR = 0.05;
    /** Threads count as constant when they vary by at most this many after the warm-up. */
    static final int THREADS_RANGE = 2;

    /**
     * What waits at one moment: the input lag (-1: the broker did not say) and the analyses waiting in Redis for the
     * LLM (NaN: the worker did not say).
     */
    record Backlog(Duration at, long inputLag, double waiting) {
    }

    private SoakReport() {
    }

    /** The least-squares slope of {@code series} per hour over the samples from {@code from} on (NaN ones left out). */
    static double slopePerHour(List<SoakSample> samples, Duration from, ToDoubleFunction<SoakSample> series) {
        List<SoakSample> used = samples.stream().filter(s -> s.at().compareTo(from) >= 0)
                .filter(s -> Double.isFinite(series.applyAsDouble(s))).toList();
        double[] hours = used.stream().mapToDouble(s -> s.at().toMillis() / 3_600_000.0).toArray();
        double[] values = used.stream().mapToDouble(series).toArray();
        return LeastSquares.slope(hours, values);
    }

    /**
     * How long after {@code end} the lag was first seen under {@code threshold} (zero if it never rose to it), or
     * empty if it never was.
     */
    static Optional<Duration> recovery(List<Backlog> points, Duration end, long threshold) {
        return firstAfter(points, end, p -> p.inputLag() >= 0 && p.inputLag() < threshold);
    }

    /** How long after {@code end} no analysis was seen waiting for the LLM any more, or empty if never. */
    static Optional<Duration> waitingEmptied(List<Backlog> points, Duration end) {
        return firstAfter(points, end, p -> p.waiting() == 0);
    }

    private static Optional<Duration> firstAfter(List<Backlog> points, Duration end, Predicate<Backlog> reached) {
        return points.stream().filter(p -> p.at().compareTo(end) >= 0 && reached.test(p)).findFirst()
                .map(p -> p.at().minus(end));
    }

    static String markdown(String title, SoakSettings settings, List<SoakSample> samples, List<Backlog> lags,
            List<String> totals) {
        StringBuilder out = new StringBuilder("\n### ").append(title).append("\n\n");
        out.append(String.format("%.0f min of traffic, %.0f new conversations/s, LLM 1 s ± 10 %%, down (503) %.1f min "
                + "every %.1f min from minute %.1f; warm-up %.1f min; history TTL, attention window and "
                + "delivery dedupe window %.1f min; idle after %d s; sampled every %d s.%n%n",
                minutes(settings.length()), settings.conversationsPerSecond(), minutes(settings.outageLength()),
                minutes(settings.outageEvery()), minutes(settings.warmUp()), minutes(settings.warmUp()),
                minutes(settings.ttl()), settings.idleAfter().toSeconds(), settings.sampleEvery().toSeconds()));
        out.append(verdicts(settings, samples, lags)).append('\n');
        out.append(outages(settings, samples, lags)).append('\n');
        totals.forEach(line -> out.append("- ").append(line).append('\n'));
        out.append('\n').append(sampleTable(samples));
        return out.toString();
    }

    private static String verdicts(SoakSettings settings, List<SoakSample> samples, List<Backlog> lags) {
        Duration warm = settings.warmUp();
        Duration redisFrom = settings.redisSettledFrom();
        double heap = slopePerHour(samples, warm, SoakSample::heapAfterGcMib);
        double rss = slopePerHour(samples, warm, SoakSample::rssMib);
        double metaspace = slopePerHour(samples, warm, SoakSample::metaspaceMib);
        double redis = slopePerHour(samples, redisFrom, SoakSample::redisMib);
        double redisMean = samples.stream().filter(s -> s.at().compareTo(redisFrom) >= 0)
                .mapToDouble(SoakSample::redisMib).filter(Double::isFinite).average().orElse(Double.NaN);
        double threads = slopePerHour(samples, warm, SoakSample::threads);
        var threadCounts = samples.stream().filter(s -> s.at().compareTo(warm) >= 0)
                .mapToDouble(SoakSample::threads).summaryStatistics();
        boolean recovered = settings.outages().stream()
                .allMatch(o -> recovery(lags, o.end(), LAG_TARGET).filter(r -> r.compareTo(RECOVERY_TARGET) <= 0)
                        .isPresent());
        StringBuilder out = new StringBuilder();
        out.append("| series | least-squares slope after the warm-up | range | target | verdict |\n");
        out.append("|---|---:|---|---|---|\n");
        out.append(String.format("| heap after a full GC | %+.2f MiB/h | %s | < %.0f MiB/h | %s |%n", heap,
                range(samples, warm, SoakSample::heapAfterGcMib, "%.1f MiB"), HEAP_SLOPE_TARGET_MIB_PER_HOUR,
                verdict(heap < HEAP_SLOPE_TARGET_MIB_PER_HOUR)));
        out.append(String.format("| metaspace | %+.2f MiB/h | %s | (none) | |%n", metaspace,
                range(samples, warm, SoakSample::metaspaceMib, "%.1f MiB")));
        out.append(String.format("| RSS | %+.1f MiB/h | %s | (none) | |%n", rss,
                range(samples, warm, SoakSample::rssMib, "%.0f MiB")));
        out.append(String.format("| Redis used_memory, from minute %.1f (TTLs turned over) | %+.2f MiB/h | %s | flat:"
                + " |slope| < %.0f %% of its mean (%.1f MiB) per hour | %s |%n", minutes(redisFrom), redis,
                range(samples, redisFrom, SoakSample::redisMib, "%.1f MiB"), 100 * REDIS_FLAT_SHARE_PER_HOUR,
                redisMean, verdict(Math.abs(redis) < REDIS_FLAT_SHARE_PER_HOUR * redisMean)));
        out.append(String.format("| live threads | %+.1f /h | %.0f–%.0f | constant: varies by ≤ %d | %s |%n", threads,
                threadCounts.getMin(), threadCounts.getMax(), THREADS_RANGE,
                verdict(threadCounts.getCount() > 0
                        && threadCounts.getMax() - threadCounts.getMin() <= THREADS_RANGE)));
        out.append(String.format("| input lag after each outage | | | < %,d within %d min of its end | %s |%n",
                LAG_TARGET, RECOVERY_TARGET.toMinutes(),
                settings.outages().isEmpty() ? "no outage" : verdict(recovered)));
        return out.toString();
    }

    private static String outages(SoakSettings settings, List<SoakSample> samples, List<Backlog> lags) {
        if (settings.outages().isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder("| outage | LLM down (min) | peak input lag, outage to next | input lag "
                + "< 1,000 after its end | peak analyses waiting | none waiting after its end |\n"
                + "|---|---|---:|---|---:|---|\n");
        List<Outage> outages = settings.outages();
        for (int i = 0; i < outages.size(); i++) {
            Outage outage = outages.get(i);
            Duration until = i + 1 < outages.size() ? outages.get(i + 1).start() : settings.length().plusDays(1);
            List<Backlog> cycle = lags.stream().filter(p -> within(p.at(), outage.start(), until)).toList();
            long peakLag = cycle.stream().mapToLong(Backlog::inputLag).max().orElse(-1);
            double peakWaiting = cycle.stream().mapToDouble(Backlog::waiting).filter(Double::isFinite).max()
                    .orElse(Double.NaN);
            Optional<Duration> recovery = recovery(lags, outage.end(), LAG_TARGET);
            out.append(String.format("| %d | %.1f–%.1f | %s | %s | %,.0f | %s |%n", outage.number(),
                    minutes(outage.start()), minutes(outage.end()), lag(peakLag),
                    recovery.map(r -> r.toSeconds() + " s" + (r.compareTo(RECOVERY_TARGET) <= 0 ? "" : " (late)"))
                            .orElse("never (not met)"),
                    peakWaiting, waitingEmptied(lags, outage.end()).map(r -> r.toSeconds() + " s").orElse("never")));
        }
        return out.toString();
    }

    private static String sampleTable(List<SoakSample> samples) {
        StringBuilder out = new StringBuilder("| min | LLM | heap after GC MiB | metaspace MiB | RSS MiB | Redis MiB | "
                + "Redis keys | threads | input lag | delivery lag | waiting | worker CPU % | events | analyses |\n"
                + "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (SoakSample s : samples) {
            out.append(String.format("| %.1f | %s | %.1f | %.1f | %.0f | %.1f | %,d | %.0f | %s | %s | %.0f | %.0f | "
                    + "%,d | %,d |%n", s.minutes(), s.llmDown() ? "down" : "up", s.heapAfterGcMib(),
                    s.metaspaceMib(), s.rssMib(), s.redisMib(), s.redisKeys(), s.threads(), lag(s.inputLag()),
                    lag(s.deliveryLag()), s.waiting(), s.cpuPercent(), s.events(), s.analyses()));
        }
        return out.toString();
    }

    private static String range(List<SoakSample> samples, Duration from, ToDoubleFunction<SoakSample> series,
            String format) {
        var stats = samples.stream().filter(s -> s.at().compareTo(from) >= 0).mapToDouble(series)
                .filter(Double::isFinite).summaryStatistics();
        return stats.getCount() == 0
                ? "n/a"
                : String.format(format, stats.getMin()) + " – " + String.format(format, stats.getMax());
    }

    private static boolean within(Duration at, Duration from, Duration until) {
        return at.compareTo(from) >= 0 && at.compareTo(until) < 0;
    }

    private static String lag(long lag) {
        return lag < 0 ? "n/a" : String.format("%,d", lag);
    }

    private static String verdict(boolean met) {
        return met ? "met" : "**not met**";
    }

    private static double minutes(Duration duration) {
        return duration.toMillis() / 60_000.0;
    }
}
