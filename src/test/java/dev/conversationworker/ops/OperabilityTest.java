package dev.conversationworker.ops;

import static dev.conversationworker.testsupport.WorkerTestResource.FALLBACK_KEY;
import static dev.conversationworker.testsupport.WorkerTestResource.FALLBACK_MODEL;
import static dev.conversationworker.testsupport.WorkerTestResource.PRIMARY_KEY;
import static dev.conversationworker.testsupport.WorkerTestResource.PRIMARY_MODEL;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.conversationworker.testsupport.Events;
import dev.conversationworker.testsupport.KafkaTestClient;
import dev.conversationworker.testsupport.LlmSimulator;
import dev.conversationworker.testsupport.LlmSimulator.Reply;
import dev.conversationworker.testsupport.WithLlm;
import dev.conversationworker.testsupport.WorkerProcess;
import dev.conversationworker.testsupport.WorkerTestResource;

/** What an operator reads: readiness with Kafka and Redis, Prometheus metrics, and no secret anywhere. */
@QuarkusTest
@TestProfile(WithLlm.class)
class OperabilityTest {

    private final KafkaTestClient kafka = KafkaTestClient.get();
    private final LlmSimulator llm = WorkerTestResource.simulator();

    @Test
    void readinessReportsKafkaAndRedis() {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().get("/q/health/ready").then()
                .statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItems("Redis connection health check",
                        "SmallRye Reactive Messaging - readiness check"))
                .body(containsString("chat-events")).body(containsString("conversation-analyses")));
    }

    @Test
    void metricsMoveWithEventsAnalysesHedgesAndDeadLettersAndLeakNoSecret() {
        String before = metrics();
        // A primary slower than the hedge delay (1 s in tests): the fallback is raced, and answers first.
        String token = "tokmetrics" + System.nanoTime();
        llm.script(token, PRIMARY_MODEL, attempt -> Reply.ok(3000, LlmSimulator.defaultResult("")));
        llm.script(token, FALLBACK_MODEL, attempt -> Reply.ok(10, LlmSimulator.defaultResult("")));
        String conversation = Events.newConversationId("metrics");
        kafka.send(conversation, Events.message("m-" + conversation, conversation, "user", "hi " + token).encode());
        kafka.send(conversation, Events.closed("close-" + conversation, conversation).encode());
        kafka.send(conversation, "not json");
        await().atMost(Duration.ofSeconds(20)).until(() -> !kafka.records("conversation-analyses", conversation)
                .isEmpty() && !kafka.records("chat-events-dlq", conversation).isEmpty());

        String after = metrics();
        assertThat(moved(before, after, "cw_events_in_total{type=\"message\"}")).isGreaterThanOrEqualTo(1);
        assertThat(moved(before, after, "cw_events_in_total{type=\"conversation.closed\"}"))
                .isGreaterThanOrEqualTo(1);
        assertThat(moved(before, after, "cw_dead_letters_total{reason=\"invalid\"}")).isGreaterThanOrEqualTo(1);
        assertThat(moved(before, after, "cw_analyses_total{provider=\"fallback\",status=\"degraded\"}"))
                .isGreaterThanOrEqualTo(1);
        assertThat(moved(before, after, "cw_llm_hedges_total ")).isGreaterThanOrEqualTo(1);
        assertThat(moved(before, after, "cw_llm_latency_seconds_count{endpoint=\"fallback\",outcome=\"ok\"}"))
                .isGreaterThanOrEqualTo(1);
        assertThat(WorkerProcess.metric(after, "cw_events_in_flight_peak ")).as("events were in flight")
                .isGreaterThanOrEqualTo(1);
        String health = given().get("/q/health").then().extract().asString();
        for (String output : new String[]{after, health}) {
            assertThat(output).doesNotContain(PRIMARY_KEY).doesNotContain(FALLBACK_KEY);
        }
    }

    private static String metrics() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    private static double moved(String before, String after, String sample) {
        return WorkerProcess.metric(after, sample) - WorkerProcess.metric(before, sample);
    }
}
