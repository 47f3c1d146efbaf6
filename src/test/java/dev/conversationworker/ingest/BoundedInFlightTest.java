package dev.conversationworker.ingest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.conversationworker.testsupport.Events;
import dev.conversationworker.testsupport.KafkaTestClient;
import dev.conversationworker.testsupport.LlmSimulator;
import dev.conversationworker.testsupport.WithLlm;
import dev.conversationworker.testsupport.WorkerProcess;
import dev.conversationworker.testsupport.WorkerTestResource;

/** Under a backlog the worker never holds more than worker.max-in-flight events, nor calls an LLM more than its cap. */
@QuarkusTest
@TestProfile(BoundedInFlightTest.SmallLimits.class)
class BoundedInFlightTest {

    public static class SmallLimits extends WithLlm {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("worker.max-in-flight", "8", "llm.primary.max-concurrency", "3",
                    "llm.hedge-delay", "30s");
        }
    }

    private final KafkaTestClient kafka = KafkaTestClient.get();
    private final LlmSimulator llm = WorkerTestResource.simulator();

    @Test
    void theInFlightAndLlmCapsHoldUnderABacklog() {
        List<String> conversations = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String c = Events.newConversationId("bounded" + i);
            conversations.add(c);
            llm.script(c, WorkerTestResource.PRIMARY_MODEL,
                    attempt -> LlmSimulator.Reply.ok(40, LlmSimulator.defaultResult("")));
        }
        llm.resetMaxConcurrentCalls();
        for (String c : conversations) {
            kafka.send(c.getBytes(StandardCharsets.UTF_8), Events.message("m-" + c, c, "user", "hi " + c).encode()
                    .getBytes(StandardCharsets.UTF_8), 1);
            kafka.send(c.getBytes(StandardCharsets.UTF_8), Events.closed("close-" + c, c).encode()
                    .getBytes(StandardCharsets.UTF_8), 1);
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> conversations.stream()
                .allMatch(c -> !kafka.records("conversation-analyses", c).isEmpty()));

        assertThat(llm.maxConcurrentCalls()).isLessThanOrEqualTo(3).isGreaterThan(1);
        String metrics = given().get("/q/metrics").then().extract().asString();
        assertThat(peak(metrics)).isLessThanOrEqualTo(8).isGreaterThan(1);
        assertThat(conversations).allSatisfy(c -> assertThat(kafka.values("conversation-analyses", c).get(0)
                .getString("provider")).isEqualTo("primary"));
    }

    private static double peak(String metrics) {
        return metrics.lines().filter(l -> l.startsWith("cw_events_in_flight_peak"))
                .mapToDouble(WorkerProcess::sampleValue).findFirst().orElseThrow();
    }
}
