package dev.conversationworker.ingest;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;

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
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(5);

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

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        events.handover().assigned(partitions);
    }

    private void hand(Consumer<?, ?> consumer, Collection<TopicPartition> partitions, boolean commit) {
        if (partitions.isEmpty()) {
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
}
