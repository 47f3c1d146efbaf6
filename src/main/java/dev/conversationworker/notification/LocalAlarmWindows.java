package dev.conversationworker.notification;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.smallrye.mutiny.Uni;

/** Alarm windows of this instance alone, in memory (a few alarms: one counter each). Thread-safe. */
final class LocalAlarmWindows implements AlarmWindows {

    private final Clock clock;
    private final Map<String, WindowedCounter> counters = new ConcurrentHashMap<>();

    LocalAlarmWindows(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Uni<WindowedCounter.Count> occurred(String alarm, Duration window) {
        return Uni.createFrom().item(() -> counters.computeIfAbsent(alarm, a -> new WindowedCounter(window, clock))
                .increment());
    }
}
