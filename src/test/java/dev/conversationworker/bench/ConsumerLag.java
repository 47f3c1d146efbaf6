package dev.conversationworker.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import dev.conversationworker.testsupport.Infrastructure;

/**
 * A consumer group's lag on a topic, as KEDA and Kafka's tools see it: the end offset of every partition minus the
 * group's committed offset there (all of the partition while nothing is committed), summed. Asks the broker only:
 * it costs the worker nothing.
 */
final class ConsumerLag implements AutoCloseable {

    private final Admin admin;

    ConsumerLag(Infrastructure infra) {
        this.admin = Admin.create(infra.kafkaClientProperties());
    }

    long of(String group, String topic) throws InterruptedException {
        try {
            List<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(10, TimeUnit.SECONDS).get(topic).partitions().stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            partitions.forEach(p -> latest.put(p, OffsetSpec.latest()));
            var ends = admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            long lag = 0;
            for (TopicPartition partition : partitions) {
                OffsetAndMetadata at = committed.get(partition);
                lag += ends.get(partition).offset() - (at == null ? 0 : at.offset());
            }
            return lag;
        } catch (ExecutionException | TimeoutException e) {
            return -1; // said as "n/a" in the report; a broker slow to answer is no reason to end the soak
        }
    }

    @Override
    public void close() {
        admin.close();
    }
}
