package dev.conversationworker.ingest;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;

import dev.conversationworker.support.LogSafe;

/**
 * The input consumer's rebalance callbacks (named by {@code consumer-rebalance-listener.name} on the channel). They
 * run on the consumer's polling thread, after SmallRye's own: a partition that moves is handed over by
 * {@link PartitionHandover} (what runs finishes, within {@code worker.shutdown-timeout}) and its offset committed
 * here, synchronously, while this instance still owns it.
 */
@ApplicationScoped
@Identifier(ChatEventsRebalanceListener.NAME)
public class ChatEventsRebalanceListener implements KafkaConsumerRebalanceListener {

    public static final String NAME = "chat-events-handover";

    /** Bounded, so that a broker away cannot hold a rebalance (or a shutdown) for Kafka's default minute. */
    static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(5);
    /** Reading the committed offsets waits for transactions still open on them (KIP-447): up to their timeout. */
    private static final Duration COMMITTED_READ_TIMEOUT = TransactionalProducers.TRANSACTION_TIMEOUT.multipliedBy(3);

    @Inject
    ChatEventConsumer events;

    @Inject
    WorkerConfig config;

    /**
     * Revoked, or lost: SmallRye passes lost partitions (this instance thrown out of the group, e.g. paused past its
     * session) to this method too, and Kafka has then already reset the member's generation. Lost partitions may be
     * read by another owner already, so nothing is waited for and nothing can be committed; what has not started
     * here is not started.
     */
    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        hand(consumer, partitions, !lost(consumer));
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        hand(consumer, partitions, false);
    }

    private static boolean lost(Consumer<?, ?> consumer) {
        try {
            return consumer.groupMetadata().generationId() < 0;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * In exactly-once mode also: the group metadata that the next transactions' offsets are sent with (the
     * generation changes with every rebalance, also for partitions kept), and the map of records the last commit
     * says finished beyond its offset, so that they are not run again.
     */
    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        events.handover().assigned(partitions);
        if (!events.exactlyOnce()) {
            return;
        }
        events.committer().groupMetadata(consumer.groupMetadata());
        if (partitions.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> committed = committed(consumer, partitions);
        committed.forEach((partition, offset) -> {
            if (offset == null) {
                return;
            }
            FinishedOffsets finished = FinishedOffsets.fromMetadata(offset.offset(), offset.metadata());
            if (!finished.beyond().isEmpty()) {
                events.handover().seed(partition, finished);
                IngestLog.LOG.finishedSkipped(partition.toString(), finished.beyond().size(), offset.offset());
            }
        });
    }

    private void hand(Consumer<?, ?> consumer, Collection<TopicPartition> partitions, boolean commit) {
        if (partitions.isEmpty()) {
            return;
        }
        if (events.exactlyOnce()) {
            handInTransaction(consumer, partitions, commit);
            return;
        }
        long start = System.nanoTime();
        PartitionHandover.Released released;
        try {
            // While stopping, the drain has already given what runs its time (ShutdownBudget): no second wait.
            Duration patience = commit && !events.stopping() ? config.shutdownTimeout() : Duration.ZERO;
            released = events.handover().revoke(partitions, patience);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        long waitedMs = (System.nanoTime() - start) / 1_000_000;
        String offsets = released.commit().entrySet().stream()
                .map(e -> e.getKey() + "@" + e.getValue()).sorted().collect(Collectors.joining(", "));
        if (!commit || released.commit().isEmpty()) {
            IngestLog.LOG.partitionsHandedOver(partitions.size(), waitedMs, released.stillRunning(),
                    commit ? "nothing to commit" : "lost, nothing committed");
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> toCommit = released.commit().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> new OffsetAndMetadata(e.getValue())));
        try {
            consumer.commitSync(toCommit, COMMIT_TIMEOUT);
            IngestLog.LOG.partitionsHandedOver(partitions.size(), waitedMs, released.stillRunning(),
                    "committed " + offsets);
        } catch (RuntimeException e) {
            IngestLog.LOG.partitionsHandedOver(partitions.size(), waitedMs, released.stillRunning(),
                    "could not commit " + offsets + " (" + e + "); the next owner repeats from the last commit");
        }
    }

    /**
     * The committed offsets and maps, tried three times: without them what finished beyond the offsets would run
     * again and publish twice, so after that the poll fails (the channel goes DOWN, and a restart tries again).
     */
    private static Map<TopicPartition, OffsetAndMetadata> committed(Consumer<?, ?> consumer,
            Collection<TopicPartition> partitions) {
        for (int attempt = 1;; attempt++) {
            try {
                return consumer.committed(Set.copyOf(partitions), COMMITTED_READ_TIMEOUT);
            } catch (RuntimeException e) {
                IngestLog.LOG.committedUnreadable(partitions.toString(), LogSafe.oneLine(String.valueOf(e)), attempt);
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    /**
     * Exactly-once mode: what runs in the partitions may end and join the open transaction, which is then committed
     * with their offsets before they are released. Lost, the open transaction is aborted instead: the records of the
     * partitions lost run again at their new owner, and what it held of the others is sent again.
     */
    private void handInTransaction(Consumer<?, ?> consumer, Collection<TopicPartition> partitions, boolean commit) {
        long start = System.nanoTime();
        PartitionHandover.Released released;
        String outcome;
        try {
            if (commit && events.stopping()) {
                // The drain has committed what finished and closed the producer (ShutdownBudget): nothing is left.
                released = events.handover().release(partitions);
                outcome = "committed when the worker stopped";
            } else if (commit) {
                events.committer().groupMetadata(consumer.groupMetadata());
                events.handover().stop(partitions, config.shutdownTimeout());
                boolean committed = events.committer().commitNow(COMMIT_TIMEOUT);
                released = events.handover().release(partitions);
                outcome = committed
                        ? "committed in a transaction"
                        : "could not commit in time; the next owner repeats from the last commit";
            } else {
                released = events.handover().revoke(partitions, Duration.ZERO);
                events.committer().abortNow(COMMIT_TIMEOUT);
                outcome = "lost, the open transaction aborted";
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        IngestLog.LOG.partitionsHandedOver(partitions.size(), (System.nanoTime() - start) / 1_000_000,
                released.stillRunning(), outcome);
    }
}
