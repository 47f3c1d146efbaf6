package dev.conversationworker.testsupport;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The settings of a worker that delivers notifications, written once for the test resources (as configuration
 * properties) and the packaged-worker fault tests (as the environment variables SmallRye Config maps to the same
 * properties). A delivery-only worker unless {@link #analysis(boolean)} says otherwise.
 */
public final class DeliverySettings {

    private final Map<String, String> properties = new LinkedHashMap<>();

    private DeliverySettings(String webhookUrl, int maxPerSecond, String maxDelay) {
        properties.put("worker.analysis-enabled", "false");
        properties.put("delivery.enabled", "true");
        properties.put("delivery.webhook-url", webhookUrl);
        delivery("max-per-second", Integer.toString(maxPerSecond)).delivery("max-delay", maxDelay);
    }

    /** Delivery to the default space at {@code webhookUrl}, at most {@code maxPerSecond}, digests after a delay. */
    public static DeliverySettings deliveryOnly(String webhookUrl, int maxPerSecond, String maxDelay) {
        return new DeliverySettings(webhookUrl, maxPerSecond, maxDelay);
    }

    public DeliverySettings analysis(boolean enabled) {
        properties.put("worker.analysis-enabled", Boolean.toString(enabled));
        return this;
    }

    /** A space of its own for the notifications of the given kinds. */
    public DeliverySettings space(String name, String webhookUrl, String kinds) {
        return delivery("spaces." + name + ".webhook-url", webhookUrl).delivery("spaces." + name + ".kinds", kinds);
    }

    public DeliverySettings retries(String initialBackoff, String maxBackoff) {
        return delivery("retry-initial-backoff", initialBackoff).delivery("retry-max-backoff", maxBackoff);
    }

    /** This run's own Redis key prefix, topics and consumer group, so it never meets another run's. */
    public DeliverySettings run(String keyPrefix, String notifications, String deadLetters, String groupId) {
        delivery("key-prefix", keyPrefix);
        properties.put("topics.notifications", notifications);
        properties.put("topics.notifications-dead-letter", deadLetters);
        properties.put("mp.messaging.incoming.notification-delivery.group.id", groupId);
        return this;
    }

    /** Any other {@code delivery.*} key. */
    public DeliverySettings delivery(String key, String value) {
        properties.put("delivery." + key, value);
        return this;
    }

    public DeliverySettings logFile(String path) {
        properties.put("quarkus.log.file.enabled", "true");
        properties.put("quarkus.log.file.path", path);
        return this;
    }

    /** As configuration properties, for a {@code QuarkusTestResourceLifecycleManager}. */
    public Map<String, String> properties() {
        return new LinkedHashMap<>(properties);
    }

    /** As environment variables (upper case, every {@code .} and {@code -} an {@code _}), for a packaged worker. */
    public Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        properties.forEach((k, v) -> env.put(k.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'), v));
        return env;
    }
}
