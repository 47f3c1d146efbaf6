package dev.conversationworker.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.conversationworker.testsupport.KafkaTestClient;
import dev.conversationworker.testsupport.TracedConversation;
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

        TracedConversation traced = TracedConversation.sendAndAwait(kafka, "exported");
        for (String topic : TracedConversation.OUTPUT_TOPICS) {
            List<String> traceparents = StreamSupport.stream(traced.output(kafka, topic).headers()
                    .headers("traceparent").spliterator(), false)
                    .map(h -> new String(h.value(), StandardCharsets.UTF_8)).toList();
            assertThat(traceparents).as("traceparent headers on " + topic).hasSize(1);
            assertThat(traceparents.get(0)).as("under the connector's publish span, in the input's trace")
                    .matches("00-" + traced.traceId() + "-[0-9a-f]{16}-01")
                    .doesNotContain(TracedConversation.INPUT_SPAN_ID);
        }
    }
}
