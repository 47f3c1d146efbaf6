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
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.conversationworker.testsupport.Events;
import dev.conversationworker.testsupport.KafkaTestClient;
import dev.conversationworker.testsupport.LlmSimulator;
import dev.conversationworker.testsupport.LlmSimulator.Reply;
import dev.conversationworker.testsupport.MonitoringNames;
import dev.conversationworker.testsupport.TracedConversation;
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
        kafka.unchecked().send(conversation, "not json"); // to be dead-lettered
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

    /**
     * The alert rules and the dashboard ask only for series the worker exposes: driven by a message, a close and a
     * poison record first, since a counter appears on /q/metrics only once it has counted.
     */
    @Test
    void everyMetricTheAlertsAndTheDashboardUseIsExposed() {
        String conversation = Events.newConversationId("monitoring");
        kafka.send(conversation, Events.message("m-" + conversation, conversation, "user", "hello").encode());
        kafka.send(conversation, Events.closed("close-" + conversation, conversation).encode());
        kafka.unchecked().send(conversation, "{\"broken\""); // to be dead-lettered
        await().atMost(Duration.ofSeconds(20)).until(() -> !kafka.records("conversation-analyses", conversation)
                .isEmpty() && !kafka.records("chat-events-dlq", conversation).isEmpty());

        // Delivery's series are checked by DeliveryTest, where delivery runs; the budget's gauge, which exists only
        // with a budget, by MonitoredSeriesTest.
        Set<String> used = MonitoringNames.used(name -> !name.startsWith("cw_delivery_")
                && !name.equals("cw_llm_budget_remaining"));
        assertThat(used).as("metric names in the rules and the dashboard").hasSizeGreaterThan(10);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(MonitoringNames.exposed(metrics()))
                .as("series on /q/metrics").containsAll(used));
    }

    /**
     * A conversation whose records carry a W3C {@code traceparent}: the analysis, the notification and the dead
     * letter they cause carry the same trace, so that an operator can follow one event from the upstream service
     * through the worker.
     */
    @Test
    void theTraceOfAnInputRecordReachesTheRecordsItCauses() {
        TracedConversation traced = TracedConversation.sendAndAwait(kafka, "traced");
        for (String topic : TracedConversation.OUTPUT_TOPICS) {
            // No OTLP endpoint here: the worker makes no spans, so it passes the trace on as it came, rather than
            // pointing at spans no one receives (with an endpoint, the Kafka connector's publish span is the parent).
            assertThat(KafkaTestClient.header(traced.output(kafka, topic), "traceparent"))
                    .as("traceparent on " + topic).isEqualTo(traced.inputTraceparent());
        }
    }

    private static String metrics() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    private static double moved(String before, String after, String sample) {
        return WorkerProcess.metric(after, sample) - WorkerProcess.metric(before, sample);
    }
}
