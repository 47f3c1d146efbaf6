package dev.conversationworker.notification;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;

import dev.conversationworker.history.HistoryConfig;
import dev.conversationworker.support.LogSafe;

/**
 * The worker's alarm windows: counted for the whole fleet in Redis, so that twelve instances meeting the same
 * trouble tell on-call once per window, under one {@code dedupe-key} (from the window's start in Redis time). While
 * Redis cannot count them, each instance counts its own: on-call may then hear it once per instance, which is better
 * than not at all. Never fails.
 */
@ApplicationScoped
class FleetAlarmWindows implements AlarmWindows {

    private final AlarmWindows fleet;
    private final AlarmWindows alone;
    private final AtomicBoolean countingAlone = new AtomicBoolean();

    @Inject
    FleetAlarmWindows(ReactiveRedisDataSource redis, HistoryConfig history, Clock clock) {
        this(new RedisAlarmWindows(redis, history.keyPrefix()), new LocalAlarmWindows(clock));
    }

    FleetAlarmWindows(AlarmWindows fleet, AlarmWindows alone) {
        this.fleet = fleet;
        this.alone = alone;
    }

    @Override
    public Uni<WindowedCounter.Count> occurred(String alarm, Duration window) {
        return fleet.occurred(alarm, window).invoke(() -> {
            if (countingAlone.compareAndSet(true, false)) {
                NotifyLog.LOG.alarmsCountedForTheFleetAgain();
            }
        }).onFailure().recoverWithUni(failure -> {
            if (countingAlone.compareAndSet(false, true)) {
                NotifyLog.LOG.alarmsCountedAlone(LogSafe.oneLine(String.valueOf(failure)));
            }
            return alone.occurred(alarm, window);
        });
    }
}
