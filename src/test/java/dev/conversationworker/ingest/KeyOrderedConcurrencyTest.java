package dev.conversationworker.ingest;

import static dev.conversationworker.testsupport.WorkerTestResource.PRIMARY_MODEL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.Set;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonObject;

import dev.conversationworker.history.HistoryCodec;
import dev.conversationworker.history.HistoryConfig;
import dev.conversationworker.history.HistoryKeys;
import dev.conversationworker.model.HistoryEntry;
import dev.conversationworker.testsupport.Events;
import dev.conversationworker.testsupport.Infrastructure;
import dev.conversationworker.testsupport.KafkaTestClient;
import dev.conversationworker.testsupport.LlmSimulator;
import dev.conversationworker.testsupport.LlmSimulator.Reply;
import dev.conversationworker.testsupport.WithLlm;
import dev.conversationworker.testsupport.WorkerTestResource;

/**
 * Conversations interleaved in one partition run concurrently, yet each keeps its own order; a consumer joining the
 * group mid-stream (a rebalance) loses nothing.
 */
@QuarkusTest
@TestProfile(WithLlm.class)
class KeyOrderedConcurrencyTest {

    private final KafkaTestClient kafka = KafkaTestClient.get();
    private final LlmSimulator llm = WorkerTestResource.simulator();

    @Inject
    RedisDataSource redis;

    @Inject
    HistoryConfig historyConfig;

    @Test
    void interleavedConversationsInOnePartitionKeepTheirOwnOrderAndRunConcurrently() {
        Random random = new Random(42);
        List<String> conversations = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String conversation = Events.newConversationId("order" + i);
            conversations.add(conversation);
            // Random LLM latency per conversation, so analyses finish out of their arrival order.
            long latency = 20 + random.nextInt(200);
            llm.script(conversation, PRIMARY_MODEL, attempt -> Reply.ok(latency, LlmSimulator.defaultResult("")));
        }
        llm.resetMaxConcurrentCalls();
        // Interleave: step k of every conversation before step k+1 of any, all in partition 0.
        for (int step = 0; step < 5; step++) {
            for (String c : conversations) {
                JsonObject event = switch (step) {
                    case 0 -> Events.message("m1-" + c, c, "user", "first " + c);
                    case 1 -> Events.analysisRequested("req-" + c, c);
                    case 2 -> Events.message("m2-" + c, c, "assistant", "second");
                    case 3 -> Events.message("m3-" + c, c, "user", "third");
                    default -> Events.closed("close-" + c, c);
                };
                kafka.send(c.getBytes(StandardCharsets.UTF_8), event.encode().getBytes(StandardCharsets.UTF_8), 0);
            }
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> conversations.stream()
                .allMatch(c -> kafka.records("conversation-analyses", c).size() >= 2));
        for (String c : conversations) {
            List<JsonObject> analyses = kafka.values("conversation-analyses", c);
            assertThat(analyses).extracting(a -> a.getString("trigger"))
                    .containsExactly("analysis.requested", "conversation.closed");
            assertThat(analyses).extracting(a -> a.getInteger("messageCount")).containsExactly(1, 3);
            assertThat(history(c)).extracting(HistoryEntry::eventId).containsExactly("m1-" + c, "m2-" + c,
                    "m3-" + c);
        }
        assertThat(llm.maxConcurrentCalls()).as("LLM calls of one partition overlapped").isGreaterThan(4);
    }

    @Test
    void aConsumerJoiningTheGroupMidStreamLosesNothing() throws Exception {
        List<String> conversations = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            conversations.add(Events.newConversationId("rebalance" + i));
        }
        Thread producer = new Thread(() -> {
            for (String c : conversations) {
                kafka.send(c, Events.message("m1-" + c, c, "user", "hello").encode());
                kafka.send(c, Events.message("m2-" + c, c, "user", "again").encode());
                kafka.send(c, Events.closed("close-" + c, c).encode());
            }
        });
        producer.start();
        // A second member joins the worker's group, takes some partitions for a while, commits nothing, leaves.
        Properties props = Infrastructure.get().kafkaClientProperties();
        props.put("group.id", "conversation-worker");
        props.put("enable.auto.commit", "false");
        props.put("max.poll.records", "5");
        try (KafkaConsumer<byte[], byte[]> intruder = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            intruder.subscribe(Set.of("chat-events"));
            // Cooperative rebalancing takes two rounds, and the worker first finishes what runs on the partitions
            // it gives up: the intruder may wait a while for them, then holds them for 3 s.
            long giveUpAt = System.currentTimeMillis() + 30_000;
            long until = Long.MAX_VALUE;
            boolean tookPartitions = false;
            while (System.currentTimeMillis() < Math.min(until, giveUpAt)) {
                intruder.poll(Duration.ofMillis(100));
                if (!tookPartitions && !intruder.assignment().isEmpty()) {
                    tookPartitions = true;
                    until = System.currentTimeMillis() + 3_000;
                }
            }
            assertThat(tookPartitions).as("the group rebalanced").isTrue();
        }
        producer.join();

        await().atMost(Duration.ofSeconds(90)).until(() -> conversations.stream()
                .allMatch(c -> !kafka.records("conversation-analyses", c).isEmpty()));
        for (String c : conversations) {
            assertThat(history(c)).extracting(HistoryEntry::eventId).containsExactly("m1-" + c, "m2-" + c);
            // Redelivery may repeat an analysis, never change it.
            assertThat(kafka.values("conversation-analyses", c)).extracting(a -> a.getString("analysisId"))
                    .containsOnly(kafka.values("conversation-analyses", c).get(0).getString("analysisId"));
        }
    }

    private List<HistoryEntry> history(String conversation) {
        return HistoryCodec.decode(redis.list(String.class)
                .lrange(HistoryKeys.of(historyConfig.keyPrefix(), conversation).messages(), 0, -1)).entries();
    }
}
