package dev.conversationworker.ops;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.netty.util.concurrent.EventExecutor;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;

/**
 * Measures how late each Vert.x event loop runs a task scheduled on it: a blocked or overloaded loop shows here
 * before anything else does. Published as the last lag per loop, the largest since start, and a histogram
 * ({@code cw_event_loop_lag_seconds_bucket}) from which any window's worst case can be read.
 */
@ApplicationScoped
public class EventLoopLagProbe {

    static final long INTERVAL_MS = 100;

    private final List<AtomicLong> lastLagNanos = new ArrayList<>();
    private final AtomicLong maxLagNanos = new AtomicLong();
    private volatile boolean running = true;
    private Timer lagHistogram;

    void start(@Observes StartupEvent ignored, Vertx vertx, WorkerMetrics metrics, MeterRegistry registry) {
        lagHistogram = Timer.builder("cw.event.loop.lag").description("How late event loops run scheduled probes")
                .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
                        Duration.ofMillis(20), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
                        Duration.ofSeconds(1))
                .register(registry);
        int index = 0;
        for (EventExecutor loop : vertx.nettyEventLoopGroup()) {
            AtomicLong lag = new AtomicLong();
            lastLagNanos.add(lag);
            metrics.gauge(WorkerMetrics.Gauge.EVENT_LOOP_LAG_LAST, List.of(Tag.of("loop", Integer.toString(index++))),
                    () -> lag.get() / 1e9);
            probe(loop, lag);
        }
        metrics.gauge(WorkerMetrics.Gauge.EVENT_LOOP_LAG_MAX, () -> maxLagNanos.get() / 1e9);
    }

    private void probe(EventExecutor loop, AtomicLong lag) {
        long due = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(INTERVAL_MS);
        loop.schedule(() -> {
            long late = Math.max(0, System.nanoTime() - due);
            lag.set(late);
            lagHistogram.record(late, TimeUnit.NANOSECONDS);
            maxLagNanos.accumulateAndGet(late, Math::max);
            if (running) {
                probe(loop, lag);
            }
        }, INTERVAL_MS, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent ignored) {
        running = false;
    }
}
