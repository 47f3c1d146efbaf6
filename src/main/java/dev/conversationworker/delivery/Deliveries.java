package dev.conversationworker.delivery;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;

import dev.conversationworker.support.Backoff;

/**
 * The spaces of this instance and their deliverers, built at start-up when {@code delivery.enabled} (a missing
 * webhook URL then stops the worker before any record is touched); and the bound on records held in memory.
 */
@ApplicationScoped
class Deliveries {

    @Inject
    DeliveryConfig config;

    @Inject
    WebhookClient client;

    @Inject
    SharedSchedule schedule;

    @Inject
    DeliveredKeys delivered;

    @Inject
    SendingUnits units;

    @Inject
    DeliveryDeadLetters deadLetters;

    @Inject
    DeliveryMetrics metrics;

    private final Map<String, SpaceDeliverer> deliverers = new LinkedHashMap<>();
    private Routing routing;
    private int queued;
    private UniEmitter<? super Void> waitingForRoom;

    /** Before SmallRye Reactive Messaging starts its channels (at priority 1000). */
    void start(@Observes @Priority(20) StartupEvent event) {
        if (!config.enabled()) {
            return;
        }
        routing = Routing.of(config);
        Backoff backoff = new Backoff(config.retryInitialBackoff(), config.retryMaxBackoff());
        SpaceDeliverer.Ports ports = new SpaceDeliverer.Ports(client, schedule, delivered, units, deadLetters,
                metrics);
        Routing.spaces(config).forEach((name, space) -> deliverers.put(name, new SpaceDeliverer(space,
                new Pace(config.maxPerSecond(), config.maxDelay()), backoff, config.probeInterval(), ports,
                this::settled)));
        DeliveryLog.LOG.started(String.join(", ", deliverers.keySet()), config.maxPerSecond(),
                config.maxDelay().toSeconds());
    }

    void stop(@Observes ShutdownEvent event) {
        deliverers.values().forEach(SpaceDeliverer::stop);
    }

    SpaceDeliverer deliverer(String severity, String kind) {
        return deliverers.get(routing.spaceFor(severity, kind));
    }

    /** Spaces that refuse their webhook (401/403/404) now. */
    List<String> refusedSpaces() {
        return deliverers.values().stream().filter(SpaceDeliverer::refused).map(SpaceDeliverer::name).toList();
    }

    /** Completes once one more record may be held (records are admitted one at a time, by the consumer). */
    synchronized Uni<Void> admit() {
        if (queued < config.maxQueued()) {
            queued++;
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().emitter(emitter -> {
            synchronized (this) {
                if (queued < config.maxQueued()) {
                    queued++;
                    emitter.complete(null);
                } else {
                    waitingForRoom = emitter;
                }
            }
        });
    }

    /** {@code count} records acknowledged: room for as many. */
    void settled(int count) {
        UniEmitter<? super Void> admitted = null;
        synchronized (this) {
            queued -= count;
            if (waitingForRoom != null && queued < config.maxQueued()) {
                queued++;
                admitted = waitingForRoom;
                waitingForRoom = null;
            }
        }
        if (admitted != null) {
            admitted.complete(null);
        }
    }
}
