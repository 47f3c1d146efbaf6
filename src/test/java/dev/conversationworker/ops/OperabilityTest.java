package dev.conversationworker.ops;

import static dev.conversationworker.testsupport.WorkerTestResource.FALLBACK_KEY;
import static dev.conversationworker.testsupport.WorkerTestResource.PRIMARY_KEY;
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
import dev.conversationworker.testsupport.WithLlm;

/** What an operator reads: readiness with Kafka and Redis, Prometheus metrics, and no secret anywhere. */
@QuarkusTest
@TestProfile(WithLlm.class)
class OperabilityTest {

    private final KafkaTestClient kafka = KafkaTestClient.get();

    @Test
    void readinessReportsKafkaAndRedis() {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().get("/q/health/ready").then()
                .statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItems("Redis connection health check",
                        "SmallRye Reactive Messaging - readiness check"))
                .body(containsString("chat-events")).body(containsString("conversation-analyses")));
    }

    @Test
    void metricsCountEventsAnalysesAndLlmCallsAndLeakNoSecret() {
        String conversation = Events.newConversationId("metrics");
        kafka.send(conversation, Events.message("m-" + conversation, conversation, "user", "hi").encode());
        kafka.send(conversation, Events.closed("close-" + conversation, conversation).encode());
        kafka.send(conversation, "not json");
        await().atMost(Duration.ofSeconds(20)).until(() -> !kafka.records("conversation-analyses", conversation)
                .isEmpty() && !kafka.records("chat-events-dlq", conversation).isEmpty());

        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("cw_events_in_total{type=\"message\"}")
                .contains("cw_events_in_total{type=\"conversation.closed\"}")
                .contains("cw_dead_letters_total{reason=\"invalid\"}")
                .contains("cw_analyses_total{provider=\"primary\",status=\"ok\"}")
                .contains("cw_llm_latency_seconds_count{endpoint=\"primary\",outcome=\"ok\"}")
                .contains("cw_llm_hedges_total").contains("cw_events_in_flight");
        String health = given().get("/q/health").then().extract().asString();
        for (String output : new String[]{metrics, health}) {
            assertThat(output).doesNotContain(PRIMARY_KEY).doesNotContain(FALLBACK_KEY);
        }
    }
}
