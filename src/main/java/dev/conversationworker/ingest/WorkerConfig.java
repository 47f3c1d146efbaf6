package dev.conversationworker.ingest;

import java.time.Duration;
import java.util.Optional;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How the worker schedules events: ordering, in-flight bound, CPU pool and retries of transient failures. */
@ConfigMapping(prefix = "worker")
public interface WorkerConfig {

    /** Whether this instance consumes chat events and analyses them; {@code false} for a delivery-only deployment
     * ({@code WORKER_ANALYSIS_ENABLED=false} with {@code DELIVERY_ENABLED=true}). */
    @WithDefault("true")
    boolean analysisEnabled();

    /** {@code key}: events of one conversation in order, different conversations concurrently (also inside a
     * partition). {@code partition}: one event at a time per partition, the obvious baseline. */
    @WithDefault("key")
    Ordering ordering();

    /** Events in flight in the whole instance; when reached, the consumer stops fetching. */
    @WithDefault("512")
    int maxInFlight();

    /** Record bytes in flight in the whole instance (a memory bound whatever the record sizes); one larger record
     * is taken alone. When reached, the consumer stops fetching. */
    @WithDefault("32M")
    MemorySize maxInFlightBytes();

    /** Threads of the bounded pool that parses and formats (CPU work never runs on an event loop). 0 = cores. */
    @WithDefault("0")
    int cpuThreads();

    /** First delay before retrying an event whose effects failed for a transient reason (Redis or Kafka away). */
    @WithDefault("200ms")
    Duration retryInitialBackoff();

    /** Largest delay between two retries of a transient failure; these retries never give up. */
    @WithDefault("10s")
    Duration retryMaxBackoff();

    /** Attempts for a failure that is neither invalid input nor transient (a bug): then it is dead-lettered. */
    @WithDefault("3")
    int maxUnexpectedAttempts();

    /** On SIGTERM: how long in-flight events may take to finish before the worker stops without them (they are
     * left unacknowledged and redelivered to the next owner). */
    @WithDefault("20s")
    Duration shutdownTimeout();

    /** {@code at-least-once}: an analysis is published, then its record's offset committed (a crash between the two
     * publishes it again, with the same id). {@code exactly-once}: a record's analyses, notifications and dead letter
     * and its offset are committed in one Kafka transaction (decision 10); readers set
     * {@code isolation.level=read_committed}. */
    @WithDefault("at-least-once")
    DeliveryGuarantee deliveryGuarantee();

    /** With {@code exactly-once}: how often the open transaction is committed. Readers see an analysis up to this
     * much later; processing goes on while it commits. */
    @WithDefault("100ms")
    Duration commitInterval();

    /** With {@code exactly-once}: this instance's {@code transactional.id}, unique in the fleet. Stable per slot (a
     * StatefulSet's pod name) lets a restarted instance abort its predecessor's open transaction at once; unset, it
     * is the host name and a random suffix, and an open transaction of a crashed instance holds read-committed
     * readers for up to {@code transaction.timeout.ms} (10 s). */
    Optional<String> transactionalId();

    /** With {@code exactly-once}: the brokers' {@code offset.metadata.max.bytes}, which bounds the map of records
     * finished beyond the committed offset, and so how far past its first unfinished record a partition is read. */
    @WithDefault("4096")
    int offsetMetadataMaxBytes();

    enum Ordering {
        KEY, PARTITION
    }

    enum DeliveryGuarantee {
        AT_LEAST_ONCE, EXACTLY_ONCE
    }
}
