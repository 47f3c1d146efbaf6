package dev.conversationworker.ingest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;

import io.micrometer.core.instrument.MeterRegistry;
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
    private volatile ConsumerGroupMetadata group;
    private volatile Thread thread;
    private String transactionalId;
    /** The committer thread's own. */
    private OpenTransaction transaction;

    /** What the committer's thread is asked to do, in order. */
    sealed interface Request permits PendingOutbox, CommitNow, AbortNow {
    }

    /** Commit now (a partition is being revoked, or the worker stops); {@code stop}: then close the producer. */
    record CommitNow(CompletableFuture<Void> done, boolean stop) implements Request {
    }

    /** This instance lost its partitions: what the open transaction holds of them must never commit. */
    record AbortNow(CompletableFuture<Void> done) implements Request {
    }

    public boolean enabled() {
        return config.deliveryGuarantee() == WorkerConfig.DeliveryGuarantee.EXACTLY_ONCE;
    }

    /** Starts the committer's thread (the producer is made there: it waits for the brokers). */
    synchronized void start(PartitionHandover partitions) {
        if (thread != null) {
            return;
        }
        transactionalId = config.transactionalId().filter(id -> !id.isBlank())
                .orElseGet(TransactionalProducers::uniqueId);
        transaction = new OpenTransaction(kafkaConfig, transactionalId, config, partitions, () -> group, registry);
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
        PendingOutbox pending = new PendingOutbox(ticket, outbox);
        Executor caller = Outbox.callersThread();
        requests.add(pending);
        return Uni.createFrom().completionStage(pending.sent()).emitOn(caller);
    }

    /**
     * Work of no event (an idle analysis, a resumed one): its outbox in a transaction of its own offsets; completes
     * once committed, fails when refused for good.
     */
    public Uni<Void> commit(Outbox outbox) {
        requests.add(new PendingOutbox(null, outbox));
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
                if (!transaction.ready() && !transaction.open()) {
                    continue;
                }
                long wait = nextCommit - System.nanoTime();
                Request request = wait > 0 ? requests.poll(wait, TimeUnit.NANOSECONDS) : null;
                if (request == null) {
                    // Counted from the commit's start: what is handed over waits at most one interval for a commit.
                    nextCommit = System.nanoTime() + interval;
                    transaction.commit();
                } else if (request instanceof PendingOutbox pending) {
                    transaction.send(pending);
                } else if (request instanceof AbortNow abort) {
                    transaction.abortAndSendAgain(false);
                    abort.done().complete(null);
                } else if (request instanceof CommitNow now) {
                    drainPending();
                    boolean done = transaction.commit();
                    if (now.stop()) {
                        transaction.close();
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
                transaction.close();
                return;
            } catch (RuntimeException e) {
                // A bug here must not end the thread that holds every event's commit: said, and carried on.
                IngestLog.LOG.transactionFailed(transactionalId, LogSafe.oneLine(String.valueOf(e)));
                try {
                    transaction.abortAndSendAgain(true);
                } catch (RuntimeException again) {
                    transaction.close();
                }
            }
        }
    }

    /** The worker stops: what was not committed is not waited for (it runs again at the partitions' next owner). */
    private void refuseWhatIsLeft() {
        IllegalStateException stopped = new IllegalStateException("the worker stopped before it was committed");
        transaction.refuseAll(stopped);
        for (Request request = requests.poll(); request != null; request = requests.poll()) {
            if (request instanceof PendingOutbox pending) {
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
            if (request instanceof PendingOutbox pending) {
                transaction.send(pending);
            } else {
                others.add(request);
            }
        }
        requests.addAll(others);
    }
}
