package dev.conversationworker.bench;

import java.time.Duration;

/**
 * One sample of the soak.
 *
 * @param at time since the traffic started
 * @param llmDown whether the LLM was down at that moment
 * @param heapAfterGcMib the worker's heap in use right after a full collection ({@code jcmd GC.run}): its live data
 * @param metaspaceMib the worker's metaspace in use, from the same {@code jcmd}
 * @param rssMib the worker's resident set (VmRSS)
 * @param redisMib Redis {@code used_memory}
 * @param redisKeys Redis {@code DBSIZE}
 * @param threads the worker's live threads ({@code jvm_threads_live_threads})
 * @param inputLag the worker's consumer group on the input topic: end offsets minus committed offsets
 * @param deliveryLag the same for the delivery consumer on the notifications topic
 * @param waiting analyses waiting in Redis for an LLM ({@code cw_analyses_waiting})
 * @param cpuPercent the worker's CPU since the sample before, % of one core
 * @param events events produced so far
 * @param analyses analyses published so far
 */
record SoakSample(Duration at, boolean llmDown, double heapAfterGcMib, double metaspaceMib, double rssMib,
        double redisMib, long redisKeys, double threads, long inputLag, long deliveryLag, double waiting,
        double cpuPercent, long events, long analyses) {

    double minutes() {
        return at.toMillis() / 60_000.0;
    }

    static String csvHeader() {
        return "minutes,llm_down,heap_after_gc_mib,metaspace_mib,rss_mib,redis_used_mib,redis_keys,threads,"
                + "input_lag,delivery_lag,waiting,worker_cpu_percent,events,analyses";
    }

    String csv() {
        return String.format(java.util.Locale.ROOT, "%.2f,%b,%.2f,%.2f,%.1f,%.2f,%d,%.0f,%d,%d,%.0f,%.0f,%d,%d",
                minutes(), llmDown, heapAfterGcMib, metaspaceMib, rssMib, redisMib, redisKeys, threads, inputLag,
                deliveryLag, waiting, cpuPercent, events, analyses);
    }
}
