package dev.conversationworker.delivery;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Delivery of the notifications topic to Google Chat incoming webhooks. Webhook URLs carry a key and a token: they
 * come from the environment and are never logged, put in a metric, a header or a dead letter (only space names are).
 */
@ConfigMapping(prefix = "delivery")
public interface DeliveryConfig {

    /** Whether this instance delivers notifications ({@code DELIVERY_ENABLED}); off by default. */
    @WithDefault("false")
    boolean enabled();

    /** The webhook of the default space ({@code DELIVERY_WEBHOOK_URL}): the only setting delivery needs. */
    Optional<String> webhookUrl();

    /** The default space's name, as logs, metrics and readiness show it. */
    @WithDefault("default")
    String defaultSpace();

    /**
     * Other spaces by name ({@code delivery.spaces.pager.webhook-url}, {@code .severities}, {@code .kinds}): a record
     * goes to the first space, by name, whose severities and kinds (each unset = any) match its headers; a space
     * with neither set receives nothing. Unmatched records go to the default space.
     */
    Map<String, SpaceConfig> spaces();

    /** Messages per second per space, in total across all instances (a schedule shared in Redis). */
    @WithDefault("1")
    double maxPerSecond();

    /** Longest a backlog may take at the allowed pace before what waits is merged into digests. */
    @WithDefault("2m")
    Duration maxDelay();

    /** A dedupe-key delivered is not delivered again within this window (a Redis key with this TTL). */
    @WithDefault("1h")
    Duration dedupeWindow();

    /** TCP connect timeout of the webhook client. */
    @WithDefault("5s")
    Duration connectTimeout();

    /** Longest wait for Google's whole answer to one POST; then it is retried (same requestId). */
    @WithDefault("30s")
    Duration requestTimeout();

    /** First and largest pause between retries of a message (5xx, I/O, timeouts, 429 without Retry-After). */
    @WithDefault("1s")
    Duration retryInitialBackoff();

    @WithDefault("1m")
    Duration retryMaxBackoff();

    /**
     * Failed POSTs (5xx, 408, timeouts, I/O) of one message in a row before the space is checked (an empty message,
     * which Google answers 400 when it works): if it answers, the message itself is to blame and is dead-lettered (a
     * digest is sent again one notification at a time); if not, it is an outage and the message is retried on.
     */
    @WithDefault("10")
    int maxAttempts();

    /** Longest pause a 429's {@code Retry-After} (or our own backoff after 429s) imposes on a space. */
    @WithDefault("1m")
    Duration maxRetryAfter();

    /** How often a space whose webhook was refused (401/403/404) is tried again. */
    @WithDefault("30s")
    Duration probeInterval();

    /** Notifications of one space held in memory by the instance that delivers it; the rest wait in Redis. */
    @WithDefault("500")
    int maxHeld();

    /** Bytes of notifications of one space held in memory (one larger notification is taken alone). */
    @WithDefault("8M")
    MemorySize maxHeldBytes();

    /**
     * Notifications of one space waiting in Redis (acknowledged in Kafka); beyond it, or beyond
     * {@code max-parked-bytes}, a new one is dead-lettered with the reason, so that a stuck space fills no memory.
     */
    @WithDefault("50000")
    int maxParked();

    @WithDefault("64M")
    MemorySize maxParkedBytes();

    /** How often an instance looks for spaces to deliver and for notifications parked by other instances. */
    @WithDefault("1s")
    Duration pollInterval();

    /**
     * The lease of a space: one instance delivers it, renewing every third of this; a stopped instance's spaces are
     * taken over by another at most this long after it stopped renewing.
     */
    @WithDefault("15s")
    Duration lease();

    /**
     * Prefix of the Redis keys of delivery: the shared schedule per space, the delivered dedupe-keys, and the messages
     * begun and not settled.
     */
    @WithDefault("cw:delivery")
    String keyPrefix();

    /** A named space other than the default. */
    interface SpaceConfig {

        /** Its webhook ({@code DELIVERY_SPACES_<NAME>_WEBHOOK_URL}). */
        String webhookUrl();

        /** Severities (header {@code severity}) that go to this space; unset = any. */
        Optional<List<String>> severities();

        /** Kinds (header {@code kind}: {@code attention}, {@code operational}) that go to this space; unset = any. */
        Optional<List<String>> kinds();
    }
}
