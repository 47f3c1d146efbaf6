package dev.conversationworker.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.StreamSupport;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.conversationworker.testsupport.Events;
import dev.conversationworker.testsupport.KafkaTestClient;
import dev.conversationworker.testsupport.WithLlm;

/**
 * With an OTLP endpoint set, tracing is on although the build saw none, and each record the worker writes carries
 * one {@code traceparent}: the Kafka connector's, under its publish span, in the input's trace. (No collector
 * listens: the exporter's failures are its own business.)
 */
@QuarkusTest
@TestProfile(ExportedTracesTest.WithCollector.class)
class ExportedTracesTest {

    public static class WithCollector extends WithLlm {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.otel.exporter.otlp.traces.endpoint", "http://127.0.0.1:9",
                    "quarkus.log.category.\"io.opentelemetry\".level", "OFF");
        }
    }

    private final KafkaTestClient kafka = KafkaTestClient.get();

    @Test
    void theSdkAndTheConnectorsSpansAreOnAndEachOutputHasOneTraceparent() {
        assertThat(ConfigProvider.getConfig().getValue("quarkus.otel.sdk.disabled", Boolean.class)).isFalse();
        assertThat(ConfigProvider.getConfig().getValue("mp.messaging.connector.smallrye-kafka.tracing-enabled",
                Boolean.class)).isTrue();

        String traceId = HexFormat.of().formatHex(ByteBuffer.allocate(16).putLong(System.nanoTime())
                .putLong(ThreadLocalRandom.current().nextLong() | 1).array());
        List<Header> headers = List.of(new RecordHeader("traceparent",
                ("00-" + traceId + "-00f067aa0ba902b7-01").getBytes(StandardCharsets.UTF_8)));
        String conversation = Events.newConversationId("exported");
        byte[] key = conversation.getBytes(StandardCharsets.UTF_8);
        kafka.send(null, key, Events.message("m-" + conversation, conversation, "user",
                "I was charged twice, this is fraud").encode().getBytes(StandardCharsets.UTF_8), headers);
        kafka.send(null, key, Events.closed("close-" + conversation, conversation).encode()
                .getBytes(StandardCharsets.UTF_8), headers);
        kafka.send(null, key, "{\"not\": \"an event\"}".getBytes(StandardCharsets.UTF_8), headers);

        await().atMost(Duration.ofSeconds(20)).until(() -> !kafka.records("conversation-analyses", conversation)
                .isEmpty() && !kafka.records("oncall-notifications", conversation).isEmpty()
                && !kafka.records("chat-events-dlq", conversation).isEmpty());
        for (String topic : List.of("conversation-analyses", "oncall-notifications", "chat-events-dlq")) {
            ConsumerRecord<byte[], byte[]> record = kafka.records(topic, conversation).get(0);
            List<String> traceparents = StreamSupport.stream(record.headers().headers("traceparent").spliterator(),
                    false).map(h -> new String(h.value(), StandardCharsets.UTF_8)).toList();
            assertThat(traceparents).as("traceparent headers on " + topic).hasSize(1);
            assertThat(traceparents.get(0)).as("under the connector's publish span, in the input's trace")
                    .matches("00-" + traceId + "-[0-9a-f]{16}-01").doesNotContain("00f067aa0ba902b7");
        }
    }
}
