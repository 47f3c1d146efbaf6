package dev.conversationworker.ingest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;

import dev.conversationworker.support.LogSafe;

/**
 * Exactly-once mode's one transactional producer (decision 10). Work hands over what it publishes as an
 * {@link Outbox}; this committer alone owns the producer, on a thread of its own: it sends each outbox into the open
 * transaction and, for an event, marks the event's offset finished in the same step, so an event's outputs and its
 * offset always commit together. Every {@code worker.commit-interval} it adds the offsets (the first unfinished
 * record of each partition, and the map of those finished beyond it) with the consumer group's metadata, commits,
 * runs the after-commit actions, and begins the next transaction. Processing goes on meanwhile: only the hand-over
 * of an outbox waits while a commit is on its way.
 * <p>
 * A transaction that fails is aborted and its outboxes are sent again into the next, but for those of partitions no
 * longer this instance's (their new owner runs them again). An outbox with a record Kafka refuses for good is
 * replaced by its fallback (an event's dead letter, a dead letter cut smaller). The group metadata makes the group
 * coordinator refuse the offsets of an instance that lost its partitions (KIP-447), which fails its whole
 * transaction: a zombie may send, but never commits.
 * <p>
 * Kafka's producer API directly, not SmallRye's {@code KafkaTransactions}: that one runs one transaction at a time
 * and commits the offset after a record, which skips unfinished records when they finish out of order.
 */
@ApplicationScoped
public class ExactlyOnceCommitter {

    @Inject
    WorkerConfig config;

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    @Inject
    MeterRegistry registry;

    private final LinkedBlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    // The committer thread's own.
    private final List<Pending> inTransaction = new ArrayList<>();
    /** Handed over while the transaction holds {@link #maxUncommitted} already: told sent once one commits. */
    private final List<Pending> heldBack = new ArrayList<>();
    private int maxUncommitted;
    private Producer<byte[], byte[]> producer;
    private boolean mustAbort;
    private Duration backoff;

    private volatile ConsumerGroupMetadata group;
    private volatile PartitionHandover handover;
    private volatile Thread thread;
    private String transactionalId;
    private Counter committed;
    private Counter aborted;
    private Timer commitTime;

    private sealed interface Request {
    }

    /**
     * An outbox handed over, or the fallback that replaced it ({@code committed} stays the first one's);
     * {@code ticket} is null for work of no event (an idle or a resumed analysis).
     */
    private record Pending(PartitionHandover.Ticket ticket, Outbox outbox, CompletableFuture<Void> sent,
            CompletableFuture<Outbox> committed, AtomicReference<RuntimeException> refused) implements Request {

        Pending(PartitionHandover.Ticket ticket, Outbox outbox) {
            this(ticket, outbox, new CompletableFuture<>(), outbox.committed(), new AtomicReference<>());
        }

        Pending replacedBy(Outbox replacement) {
            return new Pending(ticket, replacement, sent, committed, new AtomicReference<>());
        }
    }

    /** Commit now (a partition is being revoked, or the worker stops); {@code stop}: then close the producer. */
    private record CommitNow(CompletableFuture<Void> done, boolean stop) implements Request {
    }

    /** This instance lost its partitions: what the open transaction holds of them must never commit. */
    private record AbortNow(CompletableFuture<Void> done) implements Request {
    }

    public boolean enabled() {
        return config.deliveryGuarantee() == WorkerConfig.DeliveryGuarantee.EXACTLY_ONCE;
    }

    /** Starts the committer's thread (the producer is made there: it waits for the brokers). */
    synchronized void start(PartitionHandover partitions) {
        if (thread != null) {
            return;
        }
        handover = partitions;
        transactionalId = config.transactionalId().filter(id -> !id.isBlank())
                .orElseGet(TransactionalProducers::uniqueId);
        committed = Counter.builder("cw.transactions").tag("outcome", "committed")
                .description("Kafka transactions of exactly-once mode, by outcome").register(registry);
        aborted = Counter.builder("cw.transactions").tag("outcome", "aborted")
                .description("Kafka transactions of exactly-once mode, by outcome").register(registry);
        commitTime = Timer.builder("cw.transactions.commit.time")
                .description("Time to add the offsets to a transaction and commit it").publishPercentileHistogram()
                .register(registry);
        backoff = config.retryInitialBackoff();
        maxUncommitted = 4 * config.maxInFlight();
        thread = new Thread(this::run, "cw-transactions");
        thread.setDaemon(true);
        thread.start();
        IngestLog.LOG.exactlyOnce(transactionalId, config.commitInterval().toMillis());
    }

    /** The consumer's group metadata, read on its polling thread at each assignment: offsets are sent with it. */
    void groupMetadata(ConsumerGroupMetadata metadata) {
        group = metadata;
    }

    /**
     * An event's outbox: completes once it is in the open transaction with the event marked finished;
     * {@link Outbox#whenCommitted} then tells when it is committed.
     */
    Uni<Void> send(PartitionHandover.Ticket ticket, Outbox outbox) {
        Pending pending = new Pending(ticket, outbox);
        Executor caller = Outbox.callersThread();
        requests.add(pending);
        return Uni.createFrom().completionStage(pending.sent()).emitOn(caller);
    }

    /**
     * Work of no event (an idle analysis, a resumed one): its outbox in a transaction of its own offsets; completes
     * once committed, fails when refused for good.
     */
    public Uni<Void> commit(Outbox outbox) {
        requests.add(new Pending(null, outbox));
        return outbox.whenCommitted();
    }

    /**
     * Blocks (the polling thread, never an event loop) until everything handed over so far is committed, or the
     * time is up; true when committed.
     */
    boolean commitNow(Duration patience) {
        return await(new CommitNow(new CompletableFuture<>(), false), patience);
    }

    /** Blocks until the open transaction is aborted and what is still this instance's is sent again. */
    boolean abortNow(Duration patience) {
        return await(new AbortNow(new CompletableFuture<>()), patience);
    }

    /** Commits what was handed over, then closes the producer; blocks up to {@code patience}. */
    void stop(Duration patience) {
        if (thread != null) {
            await(new CommitNow(new CompletableFuture<>(), true), patience);
        }
    }

    private boolean await(Request request, Duration patience) {
        if (thread == null || !thread.isAlive()) {
            return false;
        }
        requests.add(request);
        CompletableFuture<Void> done = request instanceof CommitNow c ? c.done() : ((AbortNow) request).done();
        try {
            done.get(patience.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    private void run() {
        long interval = config.commitInterval().toNanos();
        long nextCommit = System.nanoTime() + interval;
        while (true) {
            try {
                if (producer == null && !open()) {
                    continue;
                }
                long wait = nextCommit - System.nanoTime();
                Request request = wait > 0 ? requests.poll(wait, TimeUnit.NANOSECONDS) : null;
                if (request == null) {
                    commit();
                    nextCommit = System.nanoTime() + interval;
                } else if (request instanceof Pending pending) {
                    send(pending);
                } else if (request instanceof AbortNow abort) {
                    abortAndSendAgain(false);
                    abort.done().complete(null);
                } else if (request instanceof CommitNow now) {
                    drainPending();
                    boolean done = commit();
                    if (now.stop()) {
                        close();
                        refuseWhatIsLeft();
                        now.done().complete(null);
                        return;
                    }
                    if (done) {
                        now.done().complete(null);
                    } else {
                        requests.add(now); // again after the backoff, until it commits or the caller gives up
                    }
                    nextCommit = System.nanoTime() + interval;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                return;
            } catch (RuntimeException e) {
                // A bug here must not end the thread that holds every event's commit: said, and carried on.
                IngestLog.LOG.transactionFailed(transactionalId, LogSafe.oneLine(String.valueOf(e)));
                try {
                    abortAndSendAgain(true);
                } catch (RuntimeException again) {
                    close();
                }
            }
        }
    }

    /** The worker stops: what was not committed is not waited for (it runs again at the partitions' next owner). */
    private void refuseWhatIsLeft() {
        IllegalStateException stopped = new IllegalStateException("the worker stopped before it was committed");
        inTransaction.forEach(pending -> pending.committed().completeExceptionally(stopped));
        inTransaction.clear();
        heldBack.forEach(pending -> pending.sent().completeExceptionally(stopped));
        heldBack.clear();
        for (Request request = requests.poll(); request != null; request = requests.poll()) {
            if (request instanceof Pending pending) {
                pending.sent().completeExceptionally(stopped);
                pending.committed().completeExceptionally(stopped);
            } else if (request instanceof CommitNow now) {
                now.done().complete(null);
            } else if (request instanceof AbortNow abort) {
                abort.done().complete(null);
            }
        }
    }

    /** Sends what was handed over before a commit asked for now, so that the commit holds it. */
    private void drainPending() {
        List<Request> others = new ArrayList<>();
        for (Request request = requests.poll(); request != null; request = requests.poll()) {
            if (request instanceof Pending pending) {
                send(pending);
            } else {
                others.add(request);
            }
        }
        requests.addAll(others);
    }

    private boolean open() throws InterruptedException {
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

    private void send(Pending pending) {
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
    private boolean commit() {
        if (mustAbort) {
            abortAndSendAgain(true); // a record of the transaction was refused
            return false;
        }
        Map<TopicPartition, FinishedOffsets> taken = handover.toCommit(
                inTransaction.stream().map(Pending::ticket).filter(Objects::nonNull).toList());
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
                ConsumerGroupMetadata metadata = group;
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
        List<Pending> done = List.copyOf(inTransaction);
        inTransaction.clear();
        heldBack.forEach(pending -> pending.sent().complete(null));
        heldBack.clear();
        for (Pending pending : done) {
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
    private void abortAndSendAgain(boolean failed) {
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
        List<Pending> again = List.copyOf(inTransaction);
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
        for (Pending pending : again) {
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

    private void close() {
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
