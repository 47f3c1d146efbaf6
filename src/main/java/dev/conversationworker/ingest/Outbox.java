package dev.conversationworker.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;

import org.apache.kafka.clients.producer.ProducerRecord;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Vertx;

/**
 * What one piece of work publishes in exactly-once mode (decision 10): the records an event's processing produced
 * (its analysis, notification, dead letter), sent by {@link ExactlyOnceCommitter} into one transaction together with
 * the event's offset, and what to do once that transaction has committed (mark the analysis published, count it).
 * Filled by the steps as they run, on whichever thread; read by the committer once handed over.
 */
public final class Outbox {

    private final List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    private final List<Supplier<Uni<Void>>> afterCommit = new ArrayList<>();
    /** Completed by the committer with the outbox that was committed (this one or its fallback); null if moved. */
    private final CompletableFuture<Outbox> committed = new CompletableFuture<>();
    private Function<RuntimeException, Outbox> instead;

    public synchronized Outbox send(ProducerRecord<byte[], byte[]> record) {
        records.add(record);
        return this;
    }

    /** Runs once the records are committed, before the work counts as done; it must not fail. */
    public synchronized Outbox afterCommit(Supplier<Uni<Void>> action) {
        afterCommit.add(action);
        return this;
    }

    /**
     * What to publish in place of these records when Kafka refuses one of them for good (too large, invalid): for an
     * event, its dead letter; none (the default): the work fails with the refusal.
     */
    synchronized Outbox orElse(Function<RuntimeException, Outbox> replacement) {
        instead = replacement;
        return this;
    }

    synchronized List<ProducerRecord<byte[], byte[]>> records() {
        return List.copyOf(records);
    }

    synchronized boolean isEmpty() {
        return records.isEmpty();
    }

    /** The replacement for a refusal for good, or null when there is none. */
    synchronized Outbox instead(RuntimeException refusal) {
        return instead == null ? null : instead.apply(refusal);
    }

    CompletableFuture<Outbox> committed() {
        return committed;
    }

    /**
     * Completes once the transaction holding this outbox (or its fallback) has committed and the committed one's
     * after-commit actions are done; at once when its partition moved (its new owner runs the event again). Goes on
     * on the caller's Vert.x context, else on the worker pool: never on the committer's own thread.
     */
    Uni<Void> whenCommitted() {
        return Uni.createFrom().deferred(() -> {
            Executor caller = callersThread();
            return Uni.createFrom().completionStage(committed).emitOn(caller).chain(done -> {
                List<Supplier<Uni<Void>>> actions = done == null ? List.of() : done.afterCommitActions();
                if (actions.isEmpty()) {
                    return Uni.createFrom().voidItem();
                }
                return Uni.join().all(actions.stream().map(Supplier::get).toList()).andCollectFailures()
                        .replaceWithVoid();
            });
        });
    }

    private synchronized List<Supplier<Uni<Void>>> afterCommitActions() {
        return List.copyOf(afterCommit);
    }

    /** Back on the caller's Vert.x context (its event loop), else on the worker pool. */
    static Executor callersThread() {
        io.vertx.core.Context context = Vertx.currentContext();
        return context == null
                ? Infrastructure.getDefaultWorkerPool()
                : command -> context.runOnContext(ignored -> command.run());
    }
}
