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

    @Inject
    ChatEventConsumer events;

    @Inject
    WorkerConfig config;

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        hand(consumer, partitions, true);
    }

    /**
     * Lost, not revoked (this instance was thrown out of the group): another owner may already read them, so
     * nothing is waited for and nothing can be committed; what has not started here is not started.
     */
    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        hand(consumer, partitions, false);
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
            released = events.handover().revoke(partitions, commit ? config.shutdownTimeout() : Duration.ZERO);
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
            consumer.commitSync(toCommit);
            IngestLog.LOG.partitionsHandedOver(partitions.size(), waitedMs, released.stillRunning(),
                    "committed " + offsets);
        } catch (RuntimeException e) {
            IngestLog.LOG.partitionsHandedOver(partitions.size(), waitedMs, released.stillRunning(),
                    "could not commit " + offsets + " (" + e + "); the next owner repeats from the last commit");
        }
    }
}
