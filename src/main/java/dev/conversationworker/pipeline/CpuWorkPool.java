package dev.conversationworker.pipeline;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;

import dev.conversationworker.ingest.WorkerConfig;

/**
 * The bounded pool for CPU work (parsing records, decoding and formatting histories), so an event loop only ever
 * waits on I/O. Threads default to the number of cores; the queue is bounded by the in-flight limit, which bounds
 * how much work can be waiting anyway.
 */
@ApplicationScoped
public class CpuWorkPool {

    static final String THREAD_PREFIX = "cw-cpu-";

    private final ThreadPoolExecutor executor;

    CpuWorkPool(WorkerConfig config) {
        int threads = config.cpuThreads() > 0 ? config.cpuThreads() : Runtime.getRuntime().availableProcessors();
        AtomicInteger counter = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(2 * config.maxInFlight() + 64), task -> {
                    Thread thread = new Thread(task, THREAD_PREFIX + counter.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    /**
     * Work on fewer input bytes than this runs where it is asked for (an event loop included): parsing a 200-byte
     * event or formatting a three-message history takes a few microseconds, less than the two thread hops (and the
     * context capture around them) of sending it to the pool and back. Bigger input goes to the pool, so an event
     * loop never spends more than tens of microseconds on one piece of CPU work.
     */
    static final int INLINE_BYTES = 4096;

    /** Runs {@code work} on the pool; what follows the returned {@link Uni} continues there until the next I/O. */
    public <T> Uni<T> run(Supplier<T> work) {
        return Uni.createFrom().item(work).runSubscriptionOn(executor);
    }

    /** Runs {@code work} here when its input is small ({@link #INLINE_BYTES}), else on the pool. */
    public <T> Uni<T> run(long inputBytes, Supplier<T> work) {
        return run(inputBytes, INLINE_BYTES, work);
    }

    /** As {@link #run(long, Supplier)}, for work dearer per byte: here only up to {@code inlineBytes}. */
    public <T> Uni<T> run(long inputBytes, int inlineBytes, Supplier<T> work) {
        return inputBytes <= inlineBytes ? Uni.createFrom().item(work) : run(work);
    }

    int threads() {
        return executor.getMaximumPoolSize();
    }

    @PreDestroy
    void shutdown() {
        executor.shutdown();
    }
}
