package dev.conversationworker.analysis;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What settled calls (and retired leases) changed in the fleet's budget and Redis has not been told yet, by bucket:
 * what they cost minus what they reserved. Sent with the next run of the budget's script; bounded by the window (a
 * bucket older than it gets no more settles, and its entry goes).
 */
final class PendingSettles {

    private final Map<Long, AtomicLong> changes = new ConcurrentHashMap<>();

    void add(long bucket, long change) {
        if (change != 0) {
            changes.computeIfAbsent(bucket, b -> new AtomicLong()).addAndGet(change);
        }
    }

    /**
     * Takes every change for a run, appending each as a bucket and a change to {@code args}.
     *
     * @param oldestUseful buckets below this have left the window: their empty entries go
     */
    Map<Long, Long> takeInto(List<String> args, long oldestUseful) {
        Map<Long, Long> taken = new HashMap<>();
        changes.forEach((bucket, change) -> {
            long value = change.getAndSet(0);
            if (value != 0) {
                taken.put(bucket, value);
                args.add(Long.toString(bucket));
                args.add(Long.toString(value));
            }
        });
        changes.entrySet().removeIf(entry -> entry.getKey() < oldestUseful && entry.getValue().get() == 0);
        return taken;
    }

    /**
     * A run failed, perhaps after Redis ran it (its reply lost): what adds is kept for the next run, what gives back
     * is dropped, so no change is applied twice in the fleet's favour (a worst case counted longer only makes the
     * fleet spend less).
     */
    void putBackAfterFailure(Map<Long, Long> taken) {
        taken.forEach((bucket, change) -> {
            if (change > 0) {
                add(bucket, change);
            }
        });
    }
}
