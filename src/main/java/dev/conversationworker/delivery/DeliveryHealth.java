package dev.conversationworker.delivery;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of delivery: DOWN, naming the spaces, while a space this instance delivers (holds the lease of) refuses
 * its webhook (401/403/404) and its notifications wait in Redis. Someone must fix the webhook URL; delivery resumes
 * by itself afterwards. Whatever else holds a space (failures, 429s) shows in its data, as the age of each space's
 * oldest notification not delivered yet (the alert on {@code cw_delivery_oldest_undelivered_seconds} pages for it;
 * an instance that cannot deliver is not unready for it, so a rollout is not stopped by a stall).
 */
@Readiness
@ApplicationScoped
class DeliveryHealth implements HealthCheck {

    @Inject
    DeliveryConfig config;

    @Inject
    Deliveries deliveries;

    @Override
    public HealthCheckResponse call() {
        if (!config.enabled()) {
            return HealthCheckResponse.named("Google Chat delivery").up().withData("delivery", "disabled").build();
        }
        List<String> refused = deliveries.refusedSpaces();
        return HealthCheckResponse.named("Google Chat delivery").status(refused.isEmpty())
                .withData("refused spaces", String.join(", ", refused))
                .withData("oldest undelivered (s)", deliveries.oldestUndelivered()).build();
    }
}
