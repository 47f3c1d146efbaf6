package dev.conversationworker.bench;

import java.util.Map;
import java.util.TreeMap;

import dev.conversationworker.testsupport.WorkerProcess;

/** The worker's event-loop lag histogram ({@code cw_event_loop_lag_seconds_bucket}), to read one window of it. */
record LagHistogram(TreeMap<Double, Double> cumulativeByUpperBound) {

    private static final String BUCKET = "cw_event_loop_lag_seconds_bucket{le=\"";

    static LagHistogram of(String metrics) {
        TreeMap<Double, Double> buckets = new TreeMap<>();
        metrics.lines().filter(l -> l.startsWith(BUCKET)).forEach(l -> {
            String le = l.substring(BUCKET.length(), l.indexOf('"', BUCKET.length()));
            double bound = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
            buckets.merge(bound, WorkerProcess.sampleValue(l), Double::sum);
        });
        return new LagHistogram(buckets);
    }

    LagHistogram minus(LagHistogram before) {
        TreeMap<Double, Double> diff = new TreeMap<>();
        cumulativeByUpperBound.forEach((bound, count) -> diff.put(bound,
                count - before.cumulativeByUpperBound.getOrDefault(bound, 0.0)));
        return new LagHistogram(diff);
    }

    /** "≤ N" for the smallest bucket holding every probe of the window, with the probe count. */
    String worstMillis() {
        double total = cumulativeByUpperBound.isEmpty() ? 0 : cumulativeByUpperBound.lastEntry().getValue();
        for (Map.Entry<Double, Double> bucket : cumulativeByUpperBound.entrySet()) {
            if (bucket.getValue() >= total) {
                return bucket.getKey().isInfinite()
                        ? "> 1000"
                        : String.format("≤ %.0f (%.0f probes)",
                                bucket.getKey() * 1000, total);
            }
        }
        return "n/a";
    }
}
