package dev.conversationworker.ingest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.conversationworker.support.LogSafe;

/**
 * The transaction {@link ExactlyOnceCommitter} fills, with its producer: what it holds, how it commits (offsets with
 * the consumer group's metadata), how it is aborted and its work sent again into the next. Its committer's thread
 * alone uses it.
 */
final class OpenTransaction {

    private final Map<String, Object> kafkaConfig;
    private final String transactionalId;
    private final WorkerConfig config;
    private final PartitionHandover handover;
    private final Supplier<ConsumerGroupMetadata> group;
    private final List<PendingOutbox> inTransaction = new ArrayList<>();
    /** Handed over while the transaction holds {@link #maxUncommitted} already: told sent once one commits. */
    private final List<PendingOutbox> heldBack = new ArrayList<>();
    private final int maxUncommitted;
    private final Counter committed;
    private final Counter aborted;
    private final Timer commitTime;
    private Producer<byte[], byte[]> producer;
    private boolean mustAbort;
    private Duration backoff;

    OpenTransaction(Map<String, Object> kafkaConfig, String transactionalId, WorkerConfig config,
            PartitionHandover handover, Supplier<ConsumerGroupMetadata> group, MeterRegistry registry) {
        this.kafkaConfig = kafkaConfig;
        this.transactionalId = transactionalId;
        this.config = config;
        this.handover = handover;
        this.group = group;
        this.maxUncommitted = 4 * config.maxInFlight();
        this.backoff = config.retryInitialBackoff();
        committed = Counter.builder("cw.transactions").tag("outcome", "committed")
                .description("Kafka transactions of exactly-once mode, by outcome").register(registry);
        aborted = Counter.builder("cw.transactions").tag("outcome", "aborted")
                .description("Kafka transactions of exactly-once mode, by outcome").register(registry);
        commitTime = Timer.builder("cw.transactions.commit.time")
                .description("Time to add the offsets to a transaction and commit it").publishPercentileHistogram()
                .register(registry);
    }

    /** A producer, with a transaction begun, is there to send into. */
    boolean ready() {
        return producer != null;
    }

    /** Makes the producer; false (after the backoff) when the brokers refused. */
    boolean open() throws InterruptedException {
        try {
            producer = TransactionalProducers.open(kafkaConfig, transactionalId);
            backoff = config.retryInitialBackoff();
            return true;
        } catch (KafkaException e) {
            IngestLog.LOG.transactionFailed(transactionalId, LogSafe.oneLine(String.valueOf(e)));
            pause();
            return false;
        }
    }

    /** The worker stops: what was not committed fails (it runs again at the partitions' next owner). */
    void refuseAll(RuntimeException stopped) {
        inTransaction.forEach(pending -> pending.committed().completeExceptionally(stopped));
        inTransaction.clear();
        heldBack.forEach(pending -> pending.sent().completeExceptionally(stopped));
        heldBack.clear();
    }

    /**
     * Sends an outbox into the transaction and marks its event finished, in one step; tells it sent (or holds it back
     * while the transaction holds too much already).
     */
    void send(PendingOutbox pending) {
        if (pending.ticket() != null && !handover.owned(pending.ticket())) {
            pending.sent().complete(null); // its partition moved: the new owner runs the event again
            pending.committed().complete(null);
            return;
        }
        try {
            for (ProducerRecord<byte[], byte[]> record : pending.outbox().records()) {
                producer.send(record, (metadata, failure) -> {
                    if (failure instanceof RuntimeException refusal) {
                        pending.refused().compareAndSet(null, refusal);
                    }
                });
            }
        } catch (KafkaException e) {
            // The transaction is failing already (a send before this one was refused): it is aborted at the commit.
            pending.refused().compareAndSet(null, e);
            mustAbort = true;
        }
        if (pending.ticket() != null) {
            handover.acknowledged(pending.ticket());
        }
        inTransaction.add(pending);
        if (inTransaction.size() <= maxUncommitted) {
            pending.sent().complete(null);
        } else {
            heldBack.add(pending); // commits keep failing: the consumer waits instead of piling up outputs
        }
    }

    /** True when committed (or nothing to commit); false when aborted, its work sent again into the next one. */
    boolean commit() {
        if (mustAbort) {
            abortAndSendAgain(true); // a record of the transaction was refused
            return false;
        }
        Map<TopicPartition, FinishedOffsets> taken = handover.toCommit(
                inTransaction.stream().map(PendingOutbox::ticket).filter(Objects::nonNull).toList());
        if (taken == null) {
            // A partition was released without its commit (the hand-over's commit timed out): its records' outputs
            // must not commit without their offsets, as its new owner runs them again.
            abortAndSendAgain(false);
            return false;
        }
        if (taken.isEmpty() && inTransaction.isEmpty()) {
            return true;
        }
        long start = System.nanoTime();
        try {
            if (!taken.isEmpty()) {
                ConsumerGroupMetadata metadata = group.get();
                if (metadata == null) {
                    throw new KafkaException("no consumer group metadata yet");
                }
                Map<TopicPartition, OffsetAndMetadata> offsets = offsets(taken);
                untilNotTimedOut(() -> producer.sendOffsetsToTransaction(offsets, metadata));
            }
            untilNotTimedOut(producer::commitTransaction);
        } catch (KafkaException | IllegalStateException e) {
            handover.notCommitted(taken.keySet());
            IngestLog.LOG.transactionFailed(transactionalId, LogSafe.oneLine(String.valueOf(e)));
            abortAndSendAgain(true);
            return false;
        }
        commitTime.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        committed.increment();
        backoff = config.retryInitialBackoff();
        List<PendingOutbox> done = List.copyOf(inTransaction);
        inTransaction.clear();
        heldBack.forEach(pending -> pending.sent().complete(null));
        heldBack.clear();
        for (PendingOutbox pending : done) {
            pending.committed().complete(pending.outbox());
        }
        try {
            producer.beginTransaction();
        } catch (KafkaException | IllegalStateException e) {
            IngestLog.LOG.transactionFailed(transactionalId, LogSafe.oneLine(String.valueOf(e)));
            close(); // made again before anything more is sent
        }
        return true;
    }

    /**
     * Runs a step of the commit again while it times out: after a timeout Kafka's producer only accepts the same
     * call again, and the broker may already hold the commit, so aborting then could publish what it held twice.
     */
    private void untilNotTimedOut(Runnable step) {
        while (true) {
            try {
                step.run();
                return;
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                // Bounded by the producer's delivery.timeout.ms: then the batches holding it fail, and so does this.
                IngestLog.LOG.commitTimedOut(transactionalId, LogSafe.oneLine(String.valueOf(e)));
                if (Thread.currentThread().isInterrupted()) {
                    throw e;
                }
            }
        }
    }

    private Map<TopicPartition, OffsetAndMetadata> offsets(Map<TopicPartition, FinishedOffsets> taken) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        taken.forEach((partition, finished) -> {
            FinishedOffsets.Encoded map = finished.toMetadata(config.offsetMetadataMaxBytes());
            if (!map.complete()) {
                IngestLog.LOG.finishedMapCut(partition.toString(), map.kept(), map.leftOut());
            }
            offsets.put(partition, new OffsetAndMetadata(finished.committed(), map.metadata()));
        });
        return offsets;
    }

    /**
     * Aborts the open transaction (after a failure: closes the producer and makes a new one) and sends again what it held,
     * but for what is no longer this instance's: each outbox with a record refused for good goes as its fallback.
     *
     * @param failed after a failure: the backoff before trying again, and a new producer (after a refused batch the
     *        same one can go on with sequence numbers the broker rejects); none of both for an abort decided here
     */
    void abortAndSendAgain(boolean failed) {
        aborted.increment();
        mustAbort = false;
        if (producer != null && !failed) {
            try {
                producer.abortTransaction();
                producer.beginTransaction();
            } catch (RuntimeException e) {
                close();
            }
        } else {
            close();
        }
        List<PendingOutbox> again = List.copyOf(inTransaction);
        inTransaction.clear();
        if (failed) {
            pause();
        }
        while (producer == null) {
            try {
                open();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                again.forEach(pending -> pending.committed().completeExceptionally(e));
                return;
            }
        }
        for (PendingOutbox pending : again) {
            RuntimeException refusal = pending.refused().get();
            if (refusal == null || !TransactionalProducers.refusedForGood(refusal)) {
                send(pending.replacedBy(pending.outbox()));
                continue;
            }
            Outbox instead = pending.outbox().instead(refusal);
            if (instead != null) {
                send(pending.replacedBy(instead));
            } else {
                if (pending.ticket() != null) {
                    // As at least once: said loudly, and the record finished (a rerun would meet the same refusal).
                    IngestLog.LOG.deadLetterUnwritable(pending.ticket().partition() + "@" + pending.ticket().offset(),
                            LogSafe.oneLine(String.valueOf(refusal)));
                }
                pending.committed().completeExceptionally(refusal);
            }
        }
    }

    private void pause() {
        try {
            Thread.sleep(backoff.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Duration doubled = backoff.multipliedBy(2);
        backoff = doubled.compareTo(config.retryMaxBackoff()) > 0 ? config.retryMaxBackoff() : doubled;
    }

    void close() {
        if (producer != null) {
            try {
                producer.close(Duration.ofSeconds(5));
            } catch (KafkaException e) {
                // closing anyway
            }
            producer = null;
        }
    }
}
