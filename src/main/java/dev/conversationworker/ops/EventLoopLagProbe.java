package dev.conversationworker.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.micrometer.core.instrument.Tag;
import io.netty.util.concurrent.EventExecutor;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;

/**
 * Measures how late each Vert.x event loop runs a task scheduled on it: a blocked or overloaded loop shows here
 * before anything else does. Gauges: the last lag per loop, and the largest seen since start.
 */
@ApplicationScoped
public class EventLoopLagProbe {

    static final long INTERVAL_MS = 100;

    private final List<AtomicLong> lastLagNanos = new ArrayList<>();
    private final AtomicLong maxLagNanos = new AtomicLong();
    private volatile boolean running = true;

    void start(@Observes StartupEvent ignored, Vertx vertx, WorkerMetrics metrics) {
        int index = 0;
        for (EventExecutor loop : vertx.nettyEventLoopGroup()) {
            AtomicLong lag = new AtomicLong();
            lastLagNanos.add(lag);
            metrics.gauge("cw.event.loop.lag.seconds", "How late the event loop ran the last probe",
                    List.of(Tag.of("loop", Integer.toString(index++))), () -> lag.get() / 1e9);
            probe(loop, lag);
        }
        metrics.gauge("cw.event.loop.lag.max.seconds", "Largest event-loop lag since start",
                () -> maxLagNanos.get() / 1e9);
    }

    /** The largest lag seen on any loop since start, in milliseconds. */
    public double maxLagMillis() {
        return maxLagNanos.get() / 1e6;
    }

    private void probe(EventExecutor loop, AtomicLong lag) {
        long due = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(INTERVAL_MS);
        loop.schedule(() -> {
            long late = Math.max(0, System.nanoTime() - due);
            lag.set(late);
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
