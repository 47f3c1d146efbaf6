package dev.conversationworker.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * What one piece of work publishes in exactly-once mode (decision 10): the records an event's processing produced
 * (its analysis, notification, dead letter), sent by {@link ExactlyOnceCommitter} into one transaction together with
 * the event's offset, and what to do once that transaction has committed (mark the analysis published, count it).
 * Filled by the steps as they run, on whichever thread; read by the committer once handed over.
 */
public final class Outbox {

    private final List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    private final List<Runnable> afterCommit = new ArrayList<>();
    private final Function<RuntimeException, Outbox> instead;

    public Outbox() {
        this(null);
    }

    /**
     * @param instead what to publish in place of these records when Kafka refuses one of them for good (too large,
     *        invalid): for an event, its dead letter; null: nothing, the work fails with the refusal
     */
    Outbox(Function<RuntimeException, Outbox> instead) {
        this.instead = instead;
    }

    public synchronized Outbox send(ProducerRecord<byte[], byte[]> record) {
        records.add(record);
        return this;
    }

    /** Runs once the records are committed (on the committer's thread: keep it short, or hand it on). */
    public synchronized Outbox afterCommit(Runnable action) {
        afterCommit.add(action);
        return this;
    }

    synchronized List<ProducerRecord<byte[], byte[]>> records() {
        return List.copyOf(records);
    }

    synchronized List<Runnable> afterCommitActions() {
        return List.copyOf(afterCommit);
    }

    /** This outbox with {@code instead} as its replacement when refused (the records and actions carried over). */
    synchronized Outbox orElse(Function<RuntimeException, Outbox> replacement) {
        Outbox withFallback = new Outbox(replacement);
        withFallback.records.addAll(records);
        withFallback.afterCommit.addAll(afterCommit);
        return withFallback;
    }

    /** The replacement for a refusal for good, or null when there is none. */
    Outbox instead(RuntimeException refusal) {
        return instead == null ? null : instead.apply(refusal);
    }
}
