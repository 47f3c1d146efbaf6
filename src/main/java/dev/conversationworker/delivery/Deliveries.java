package dev.conversationworker.delivery;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;

/**
 * The spaces of this instance and their deliverers, built and started at start-up when {@code delivery.enabled} (a
 * missing webhook URL then stops the worker before any record is touched), stopped at shutdown. Each deliverer
 * competes for its space's lease with the other instances' under this instance's token.
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
    SpaceQueues queues;

    @Inject
    SendingUnits units;

    @Inject
    DeliveryDeadLetters deadLetters;

    @Inject
    DeliveryMetrics metrics;

    @Inject
    Vertx vertx;

    private final Map<String, SpaceDeliverer> deliverers = new LinkedHashMap<>();
    private Routing routing;

    /** Before SmallRye Reactive Messaging starts its channels (at priority 1000). */
    void start(@Observes @Priority(20) StartupEvent event) {
        if (!config.enabled()) {
            return;
        }
        routing = Routing.of(config);
        // Unique per process: a restarted instance does not inherit its predecessor's leases, it waits them out.
        String token = UUID.randomUUID().toString();
        SpaceDeliverer.Ports ports = new SpaceDeliverer.Ports(client, schedule, queues, units, deadLetters, metrics,
                vertx);
        Routing.spaces(config).forEach((name, space) -> deliverers.put(name, new SpaceDeliverer(space, config,
                token, ports)));
        DeliveryLog.LOG.started(String.join(", ", deliverers.keySet()), config.maxPerSecond(),
                config.maxDelay().toSeconds());
        deliverers.values().forEach(SpaceDeliverer::start);
    }

    void stop(@Observes ShutdownEvent event) {
        deliverers.values().forEach(SpaceDeliverer::stop);
    }

    SpaceDeliverer deliverer(String severity, String kind) {
        return deliverers.get(routing.spaceFor(severity, kind));
    }

    /** Each space's oldest notification not delivered yet, in whole seconds: {@code "default: 0, pager: 912"}. */
    String oldestUndelivered() {
        return deliverers.values().stream().map(d -> d.name() + ": " + (long) d.oldestUndeliveredSeconds())
                .collect(Collectors.joining(", "));
    }

    /** Spaces that refuse their webhook (401/403/404) now, among those this instance delivers. */
    List<String> refusedSpaces() {
        return deliverers.values().stream().filter(SpaceDeliverer::refused).map(SpaceDeliverer::name).toList();
    }
}
