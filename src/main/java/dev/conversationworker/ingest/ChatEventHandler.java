package dev.conversationworker.ingest;

import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;

/**
 * Where the consumer hands each record: the port of {@code ingest}, implemented by the pipeline, so that the door
 * from Kafka knows nothing of what lies behind it.
 */
public interface ChatEventHandler {

    /**
     * Processes one record. Completes once its effects are durable; fails with an
     * {@link dev.conversationworker.model.InvalidEventException} for poison; retries transient failures itself until
     * {@link #stop()}.
     *
     * @param partition the record's partition and {@code offset} its offset there
     * @param trace the record's trace context: the records it causes carry it on
     * @param outbox exactly-once mode: where the records it causes go, to be committed with its offset; null in
     *        at-least-once mode, where they are published at once
     */
    Uni<Void> process(byte[] key, byte[] value, int partition, long offset, Context trace, Outbox outbox);

    /** The worker is stopping: transient failures are no longer retried (their records stay unacknowledged). */
    void stop();
}
