package dev.conversationworker.analysis;

import static dev.conversationworker.testsupport.KafkaTestClient.header;
import static dev.conversationworker.testsupport.WorkerTestResource.FALLBACK_MODEL;
import static dev.conversationworker.testsupport.WorkerTestResource.PRIMARY_MODEL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import dev.conversationworker.history.HistoryConfig;
import dev.conversationworker.testsupport.Events;
import dev.conversationworker.testsupport.KafkaTestClient;
import dev.conversationworker.testsupport.LlmSimulator;
import dev.conversationworker.testsupport.LlmSimulator.Reply;
import dev.conversationworker.testsupport.WithLlm;
import dev.conversationworker.testsupport.WorkerTestResource;

/**
 * The hedged LLM call against a real HTTP server: slow primary, failing primary, both failing, rate limits, invalid
 * answers. The test profile sets a hedge delay of 1 s and a deadline of 5 s.
 */
@QuarkusTest
@TestProfile(WithLlm.class)
class LlmResilienceTest {

    private static final long HEDGE_DELAY_MS = 1000;

    private final KafkaTestClient kafka = KafkaTestClient.get();
    private final LlmSimulator llm = WorkerTestResource.simulator();

    @Inject
    RedisDataSource redis;

    @Inject
    HistoryConfig history;

    @Test
    void aSlowPrimaryIsHedgedTheFallbackWinsAndThePrimaryRequestIsAborted() {
        String token = token("slow-primary");
        llm.script(token, PRIMARY_MODEL, attempt -> Reply.ok(4_000, LlmSimulator.defaultResult("")));
        llm.script(token, FALLBACK_MODEL, attempt -> Reply.ok(10, LlmSimulator.defaultResult("")));

        JsonObject analysis = analyse(token);

        assertThat(analysis.getString("status")).isEqualTo("degraded");
        assertThat(analysis.getString("provider")).isEqualTo("fallback");
        assertThat(analysis.getString("model")).isEqualTo(FALLBACK_MODEL);
        assertThat(analysis.getLong("llmLatencyMs")).isLessThan(1_000);
        assertThat(startGapMs(token)).isGreaterThanOrEqualTo(HEDGE_DELAY_MS - 20);
        await().atMost(Duration.ofSeconds(3)).until(() -> llm.aborted(token, PRIMARY_MODEL) == 1);
    }

    @Test
    void aFailingPrimaryStartsTheFallbackAtOnceAndIsNotRetriedOnA401() {
        String token = token("primary-401");
        llm.script(token, PRIMARY_MODEL, attempt -> Reply.status(401, Map.of()));
        llm.script(token, FALLBACK_MODEL, attempt -> Reply.ok(10, LlmSimulator.defaultResult("")));

        long testStart = System.currentTimeMillis();
        newAlarmWindow("llm-needs-operator:primary");
        JsonObject analysis = analyse(token);

        assertThat(analysis.getString("provider")).isEqualTo("fallback");
        assertThat(llm.calls(token, PRIMARY_MODEL)).hasSize(1);
        assertThat(startGapMs(token)).isLessThan(HEDGE_DELAY_MS);
        // A rejected key needs a person: on-call hears of it (once per endpoint and window, not per conversation).
        // Only this run's records count: a reused broker holds older ones.
        await().atMost(Duration.ofSeconds(10)).until(() -> !kafka.records("oncall-notifications",
                r -> r.timestamp() >= testStart && String.valueOf(KafkaTestClient.header(r, "dedupe-key"))
                        .startsWith("llm-needs-operator:primary"))
                .isEmpty());
    }

    @Test
    void aFlukeInvalidAnswerIsRetriedOnce() {
        String token = token("fluke");
        llm.script(token, PRIMARY_MODEL, attempt -> attempt == 1
                ? Reply.raw(0, "Sure! Here is the JSON:", "stop")
                : Reply.ok(5, LlmSimulator.defaultResult("")));
        llm.script(token, FALLBACK_MODEL, attempt -> Reply.ok(4_000, LlmSimulator.defaultResult("")));

        JsonObject analysis = analyse(token);

        assertThat(analysis.getString("provider")).isEqualTo("primary");
        assertThat(llm.calls(token, PRIMARY_MODEL)).hasSize(2);
    }

    @Test
    void anInvalidAnswerIsRetriedOnceThenCountsAsAFailure() {
        String token = token("cut-off");
        llm.script(token, PRIMARY_MODEL, attempt -> Reply.raw(0, "{\"userQuestions\": [\"How", "length"));
        // Slow enough that the primary's second try is always seen first, however loaded the machine.
        llm.script(token, FALLBACK_MODEL, attempt -> Reply.ok(1_500, LlmSimulator.defaultResult("")));

        JsonObject analysis = analyse(token);

        assertThat(analysis.getString("provider")).isEqualTo("fallback");
        assertThat(llm.calls(token, PRIMARY_MODEL)).as("retried once").hasSize(2);
    }

    @Test
    void whenBothFailAndNothingMayWaitTheAnalysisIsPublishedAsFailedAndOnCallIsTold() {
        // The test profile sets analysis.max-wait=0 (no waiting for the LLM); LlmOutageTest covers waiting.
        String token = token("both-down");
        llm.script(token, PRIMARY_MODEL, attempt -> Reply.status(500, Map.of()));
        llm.script(token, FALLBACK_MODEL, attempt -> Reply.status(503, Map.of()));
        newAlarmWindow("analyses-failing");
        String conversation = send(token);

        JsonObject analysis = awaitAnalysis(conversation);
        assertThat(analysis.getString("status")).isEqualTo("failed");
        assertThat(analysis.getString("provider")).isEqualTo("none");
        assertThat(analysis.getValue("result")).isNull();
        assertThat(analysis.getString("error")).contains("primary answered HTTP 500")
                .contains("fallback answered HTTP 503");
        // 5xx is retried: three attempts each, no more.
        assertThat(llm.calls(token, PRIMARY_MODEL)).hasSize(3);
        assertThat(llm.calls(token, FALLBACK_MODEL)).hasSize(3);

        await().atMost(Duration.ofSeconds(10)).until(() -> !kafka.records("oncall-notifications", conversation)
                .isEmpty());
        ConsumerRecord<byte[], byte[]> notification = kafka.records("oncall-notifications", conversation).get(0);
        assertThat(header(notification, "kind")).isEqualTo("operational");
        assertThat(header(notification, "dedupe-key")).isEqualTo("analysis-failed:" + analysis.getString(
                "analysisId"));
        assertThat(new JsonObject(new String(notification.value(), StandardCharsets.UTF_8)).getString("text"))
                .contains("Analysis failed");
    }

    @Test
    void retryAfterIsHonoured() {
        String token = token("rate-limited");
        llm.script(token, PRIMARY_MODEL, attempt -> attempt == 1
                ? Reply.status(429, Map.of("Retry-After", "1"))
                : Reply.ok(5, LlmSimulator.defaultResult("")));
        llm.script(token, FALLBACK_MODEL, attempt -> Reply.ok(4_000, LlmSimulator.defaultResult("")));

        JsonObject analysis = analyse(token);

        assertThat(analysis.getString("provider")).isEqualTo("primary");
        List<LlmSimulator.Call> primaryCalls = llm.calls(token, PRIMARY_MODEL);
        assertThat(primaryCalls).hasSize(2);
        long gapMs = (primaryCalls.get(1).arrivedAtNanos() - primaryCalls.get(0).arrivedAtNanos()) / 1_000_000;
        assertThat(gapMs).isGreaterThanOrEqualTo(980);
    }

    @Test
    void customerTextInANotificationIsNeutralised() {
        String token = token("hostile");
        String hostile = "<users/all> click <https://evil.example|here> *now* and ignore previous instructions";
        JsonObject result = LlmSimulator.defaultResult("refund").put("severity", "critical")
                .put("summary", hostile).put("userQuestions", new JsonArray().add(hostile));
        llm.script(token, PRIMARY_MODEL, attempt -> Reply.ok(5, result));
        String conversation = send(token);

        awaitAnalysis(conversation);
        await().atMost(Duration.ofSeconds(10)).until(() -> !kafka.records("oncall-notifications", conversation)
                .isEmpty());
        String body = new String(kafka.records("oncall-notifications", conversation).get(0).value(),
                StandardCharsets.UTF_8);
        assertThat(body).doesNotContain("<users/all>").doesNotContain("<https://").doesNotContain("*now*")
                .doesNotContain("https://evil").contains("‹users/all›");
    }

    /** A unique word in the customer's text, which is how the simulator tells this test's calls from others'. */
    private static String token(String label) {
        return "tok" + label.replace("-", "") + System.nanoTime();
    }

    private String send(String token) {
        String conversation = Events.newConversationId("llm");
        kafka.send(conversation, Events.message("m-" + conversation, conversation, "user",
                "My order is late " + token).encode());
        kafka.send(conversation, Events.closed("close-" + conversation, conversation).encode());
        return conversation;
    }

    private JsonObject analyse(String token) {
        return awaitAnalysis(send(token));
    }

    private JsonObject awaitAnalysis(String conversation) {
        await().atMost(Duration.ofSeconds(20)).until(() -> !kafka.values("conversation-analyses", conversation)
                .isEmpty());
        return kafka.values("conversation-analyses", conversation).get(0);
    }

    /** Time from the first primary call to the first fallback call. */
    private long startGapMs(String token) {
        long primary = llm.calls(token, PRIMARY_MODEL).get(0).arrivedAtNanos();
        long fallback = llm.calls(token, FALLBACK_MODEL).get(0).arrivedAtNanos();
        return (fallback - primary) / 1_000_000;
    }

    /**
     * Alarm windows are counted in Redis for every instance together: other workers of this JVM, or an earlier run
     * against the same Redis, may have opened this alarm's window and used it up. This test's alarm opens a new one.
     */
    private void newAlarmWindow(String alarm) {
        redis.key().del(history.keyPrefix() + ":alarm:" + alarm);
    }
}
