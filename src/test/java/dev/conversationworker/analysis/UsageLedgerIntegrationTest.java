package dev.conversationworker.analysis;

import static dev.conversationworker.testsupport.WorkerTestResource.FALLBACK_MODEL;
import static dev.conversationworker.testsupport.WorkerTestResource.PRIMARY_MODEL;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonObject;

import dev.conversationworker.testsupport.Events;
import dev.conversationworker.testsupport.KafkaTestClient;
import dev.conversationworker.testsupport.LlmSimulator;
import dev.conversationworker.testsupport.LlmSimulator.Billed;
import dev.conversationworker.testsupport.LlmSimulator.Reply;
import dev.conversationworker.testsupport.WithLlm;
import dev.conversationworker.testsupport.WorkerProcess;
import dev.conversationworker.testsupport.WorkerTestResource;

/**
 * The ledger against the bill: with hedging (a slow primary, the fallback wins, the primary's call is aborted),
 * retries after a 503, an invalid answer retried and a deadline that cancels both calls, the {@code usage} of every published analysis is what the LLM
 * simulator billed for its calls (within 0.5 %, the estimate of aborted calls included), and the token and cost
 * metrics move by the same amounts.
 */
@QuarkusTest
@TestProfile(UsageLedgerIntegrationTest.PricedLlm.class)
class UsageLedgerIntegrationTest {

    /** Per million tokens, the same for both endpoints, so the cost of all calls follows from the usage alone. */
    private static final double INPUT = WorkerTestResource.PRICE_INPUT;
    private static final double CACHED_INPUT = WorkerTestResource.PRICE_CACHED_INPUT;
    private static final double OUTPUT = WorkerTestResource.PRICE_OUTPUT;

    private final KafkaTestClient kafka = KafkaTestClient.get();
    private final LlmSimulator llm = WorkerTestResource.simulator();

    @Test
    void theUsageOnEveryAnalysisIsWhatTheProviderBilledForAllItsCalls() {
        String before = metrics();
        Map<String, String> conversations = new LinkedHashMap<>(); // token -> conversation
        // Hedged: the primary holds its answer past the hedge delay (1 s in tests); the fallback wins; the primary's
        // call is aborted, billed its prompt by the provider, estimated by the worker.
        conversations.put(scripted("hedged", attempt -> Reply.ok(3000, LlmSimulator.defaultResult("")),
                attempt -> Reply.ok(10, LlmSimulator.defaultResult(""))), null);
        // Retried: a 503 (billed nothing), then an answer.
        conversations.put(scripted("retried", attempt -> attempt == 1
                ? Reply.status(503, Map.of())
                : Reply.ok(10, LlmSimulator.defaultResult("")), null), null);
        // An invalid answer (billed all the same), retried once.
        conversations.put(scripted("invalid", attempt -> attempt == 1
                ? Reply.raw(10, "{\"not\": \"the schema\"}",
                        "stop")
                : Reply.ok(10, LlmSimulator.defaultResult("")), null), null);
        // All of it: the primary fails once, then is slow; the fallback, raced, fails once, then answers.
        conversations.put(scripted("everything", attempt -> attempt == 1
                ? Reply.status(503, Map.of())
                : Reply.ok(3000, LlmSimulator.defaultResult("")),
                attempt -> attempt == 1 ? Reply.status(502, Map.of()) : Reply.ok(10, LlmSimulator.defaultResult(""))),
                null);
        // The deadline (5 s in tests) passes with both calls out: the analysis fails, both calls were billed.
        conversations.put(scripted("deadline", attempt -> Reply.ok(8000, LlmSimulator.defaultResult("")),
                attempt -> Reply.ok(8000, LlmSimulator.defaultResult(""))), null);
        for (String token : conversations.keySet()) {
            String conversation = Events.newConversationId("ledger");
            conversations.put(token, conversation);
            kafka.send(conversation, Events.message("m-" + conversation, conversation, "user",
                    "My refund has not arrived, order " + token + ". What now?").encode());
            kafka.send(conversation, Events.closed("close-" + conversation, conversation).encode());
        }

        List<JsonObject> usages = new ArrayList<>();
        for (Map.Entry<String, String> entry : conversations.entrySet()) {
            String token = entry.getKey();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> kafka.values("conversation-analyses", entry.getValue()).size() == 1);
            JsonObject analysis = kafka.values("conversation-analyses", entry.getValue()).get(0);
            // Which endpoint answers depends on timing on a busy machine; that every call is counted does not.
            assertThat(analysis.getString("status").equals("failed")).as(token + " failed")
                    .isEqualTo(token.startsWith("tokledgerdeadline"));
            assertThat(analysis.getString("schemaVersion")).isEqualTo("2");
            assertThat(analysis.getString("promptVersion")).isEqualTo(AnalysisPrompt.VERSION);
            JsonObject usage = analysis.getJsonObject("usage");
            usages.add(usage);
            // An aborted call is billed when the server sees the connection close: a moment after the analysis.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(llm.billed(token).calls())
                    .as(token + " calls billed (" + llm.billed(token) + ") and counted (" + usage + ")")
                    .isEqualTo(usage.getInteger("calls")));
            Billed billed = llm.billed(token);
            assertThat(usage.getInteger("calls")).as(token).isEqualTo(billed.calls());
            assertWithinHalfAPercent(token + " prompt", usage.getLong("promptTokens"), billed.promptTokens());
            assertWithinHalfAPercent(token + " completion", usage.getLong("completionTokens"),
                    billed.completionTokens());
            assertWithinHalfAPercent(token + " cached", usage.getLong("cachedTokens"), billed.cachedTokens());
        }
        // At least: hedged 2, retried 2, invalid 2, everything 4 (503, slow, 502, answer), deadline 3 (the primary's
        // first call runs into the request timeout, 4 s in tests, and is retried before the deadline); a hedge on a
        // slow machine adds one.
        assertThat(usages.get(0).getInteger("calls")).isGreaterThanOrEqualTo(2);
        assertThat(usages.get(1).getInteger("calls")).isGreaterThanOrEqualTo(2);
        assertThat(usages.get(2).getInteger("calls")).isGreaterThanOrEqualTo(2);
        assertThat(usages.get(3).getInteger("calls")).isGreaterThanOrEqualTo(4);
        assertThat(usages.get(4).getInteger("calls")).isGreaterThanOrEqualTo(3);
        assertThat(usages.get(0).getBoolean("estimated")).as("the hedged primary's aborted call is estimated").isTrue();
        assertThat(usages.get(4).getBoolean("estimated")).as("calls cut by the deadline are estimated").isTrue();
        assertThat(usages.get(4).getLong("completionTokens")).as("no answer came before the deadline").isZero();
        // The system message is the same for every request: the provider's cache serves it from the second call
        // of a model on (the retried and the invalid analyses' second calls, at least).
        assertThat(usages.get(1).getLong("cachedTokens")).isPositive();
        assertThat(usages.get(2).getLong("cachedTokens")).isPositive();

        long prompt = usages.stream().mapToLong(u -> u.getLong("promptTokens")).sum();
        long completion = usages.stream().mapToLong(u -> u.getLong("completionTokens")).sum();
        long cached = usages.stream().mapToLong(u -> u.getLong("cachedTokens")).sum();
        double cost = ((prompt - cached) * INPUT + cached * CACHED_INPUT + completion * OUTPUT) / 1e6;
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String after = metrics();
            assertThat(moved(before, after, "cw_llm_tokens_total{", "kind=\"prompt\"")).isEqualTo(prompt);
            assertThat(moved(before, after, "cw_llm_tokens_total{", "kind=\"completion\"")).isEqualTo(completion);
            assertThat(moved(before, after, "cw_llm_tokens_total{", "kind=\"cached\"")).isEqualTo(cached);
            assertThat(moved(before, after, "cw_llm_cost_total{", "")).isCloseTo(cost, within(cost * 1e-9));
        });
    }

    /** A token of its own in the conversation's text selects these scripts for its calls. */
    private String scripted(String label, IntFunction<Reply> primary, IntFunction<Reply> fallback) {
        String token = "tokledger" + label + System.nanoTime();
        llm.script(token, PRIMARY_MODEL, primary);
        if (fallback != null) {
            llm.script(token, FALLBACK_MODEL, fallback);
        }
        return token;
    }

    private static void assertWithinHalfAPercent(String what, long ledger, long billed) {
        assertThat((double) ledger).as(what + ": ledger " + ledger + ", billed " + billed)
                .isCloseTo(billed, within(Math.max(billed * 0.005, 0.0)));
    }

    private static String metrics() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    private static double moved(String before, String after, String prefix, String label) {
        return sum(after, prefix, label) - sum(before, prefix, label);
    }

    private static double sum(String metrics, String prefix, String label) {
        return metrics.lines().filter(l -> l.startsWith(prefix) && l.contains(label))
                .mapToDouble(WorkerProcess::sampleValue).sum();
    }

    /**
     * The worker with its LLMs (priced by {@link WorkerTestResource}), in a Redis key space of its own: no idle
     * timer or waiting analysis of another test calls an LLM while the metrics are compared.
     */
    public static class PricedLlm extends WithLlm {

        private static final String KEY_PREFIX = "cw-ledger-" + System.nanoTime();

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("history.key-prefix", KEY_PREFIX);
        }
    }
}
