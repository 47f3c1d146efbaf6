package dev.conversationworker.analysis;

import static dev.conversationworker.testsupport.WorkerTestResource.FALLBACK_MODEL;
import static dev.conversationworker.testsupport.WorkerTestResource.PRIMARY_MODEL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonObject;

import dev.conversationworker.model.AnalysisRecord;
import dev.conversationworker.testsupport.Events;
import dev.conversationworker.testsupport.KafkaTestClient;
import dev.conversationworker.testsupport.LlmSimulator;
import dev.conversationworker.testsupport.LlmSimulator.Reply;
import dev.conversationworker.testsupport.WithLlm;
import dev.conversationworker.testsupport.WorkerTestResource;
import dev.conversationworker.waiting.WaitingAnalyses;

/**
 * Both LLMs down: their circuits open, so the worker stops hammering them; the analyses due meanwhile wait in Redis
 * (the consumer goes on, far past its in-flight bound) and are published when the LLM comes back; on-call hears
 * of the outage once, not once per conversation, and once more when nothing waits any more. {@code AnalysisMaxWaitTest} covers the wait running out.
 */
@QuarkusTest
@TestProfile(LlmOutageTest.Outage.class)
class LlmOutageTest {

    private static final Duration OUTAGE = Duration.ofSeconds(60);
    private static final int CONVERSATIONS = 300;

    public static class Outage extends WithLlm {

        // Its own keys in Redis, new for every run: also the outage announcement, which outlives the test.
        private static final String KEY_PREFIX = "cw-outage-" + System.nanoTime();

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("llm.circuit.failure-threshold", "3", "llm.circuit.open-for", "5s",
                    "analysis.max-wait", "5m",
                    // Its own waiting room in the shared Redis, and few slots: waiting must not hold them.
                    "history.key-prefix", KEY_PREFIX, "worker.max-in-flight", "16");
        }
    }

    private final KafkaTestClient kafka = KafkaTestClient.get();
    private final LlmSimulator llm = WorkerTestResource.simulator();

    @Inject
    WaitingAnalyses waiting;

    @Test
    void analysesWaitForTheLlmAndArePublishedWhenItComesBack() throws InterruptedException {
        String token = "tokoutage" + System.nanoTime();
        down(llm, token);
        long waitingBefore = waitingCount();
        long outageStart = System.nanoTime();
        long testStart = System.currentTimeMillis();
        // Conversations keep closing all through the outage, 5 a second.
        List<String> conversations = new ArrayList<>();
        for (int batch = 0; batch < CONVERSATIONS / 5; batch++) {
            conversations.addAll(send(token, 5));
            Thread.sleep(OUTAGE.toMillis() * 5 / CONVERSATIONS - 20);
        }
        // Every trigger was done with while the LLM was down, with 16 in-flight slots: waiting holds none.
        await().atMost(Duration.ofSeconds(30)).until(() -> waitingCount() - waitingBefore == CONVERSATIONS);
        assertThat(conversations).allSatisfy(c -> assertThat(kafka.records("conversation-analyses", c)).isEmpty());
        // Without circuits: 300 conversations × 3 attempts × 2 endpoints = 1,800 calls, more with each retry.
        int callsWhileDown = llm.calls(token).size();
        assertThat(callsWhileDown).as("calls to the down LLMs").isLessThanOrEqualTo(100);
        long downForMs = (System.nanoTime() - outageStart) / 1_000_000;

        llm.script(token, PRIMARY_MODEL, attempt -> Reply.ok(5, LlmSimulator.defaultResult("")));
        llm.script(token, FALLBACK_MODEL, attempt -> Reply.ok(5, LlmSimulator.defaultResult("")));
        long backAt = System.nanoTime();

        await().atMost(Duration.ofSeconds(60)).until(() -> conversations.stream()
                .allMatch(c -> !kafka.records("conversation-analyses", c).isEmpty()));
        long catchUpMs = (System.nanoTime() - backAt) / 1_000_000;
        for (String c : conversations) {
            List<JsonObject> analyses = kafka.values("conversation-analyses", c);
            assertThat(analyses).as("one analysis of %s", c).hasSize(1);
            JsonObject analysis = analyses.get(0);
            assertThat(analysis.getString("status")).isIn("ok", "degraded");
            assertThat(analysis.getString("analysisId")).isEqualTo(AnalysisRecord.analysisId(c, "close-" + c));
            assertThat(analysis.getInteger("messageCount")).isEqualTo(1);
        }
        // The ledger across the wait: each analysis carries the calls of every attempt, those made while the LLMs
        // were down (billed nothing) and the one that answered; together, what the provider billed for the token.
        List<JsonObject> usages = conversations.stream()
                .map(c -> kafka.values("conversation-analyses", c).get(0).getJsonObject("usage")).toList();
        long calls = usages.stream().mapToLong(u -> u.getInteger("calls")).sum();
        long promptTokens = usages.stream().mapToLong(u -> u.getLong("promptTokens")).sum();
        await().atMost(Duration.ofSeconds(10)).until(() -> llm.billed(token).calls() == calls);
        assertThat((double) promptTokens).isCloseTo(llm.billed(token).promptTokens(),
                within(llm.billed(token).promptTokens() * 0.005));
        assertThat(usages).as("analyses that were asked while the LLMs were down")
                .anySatisfy(u -> assertThat(u.getInteger("calls")).isGreaterThan(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> waitingCount() == waitingBefore);
        assertThat(conversations).allSatisfy(c -> assertThat(kafka.records("oncall-notifications", c)).isEmpty());
        assertThat(outageNotifications(kafka, testStart)).as("one notification about the outage").isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> !kafka.records("oncall-notifications",
                r -> r.timestamp() >= testStart && String.valueOf(KafkaTestClient.header(r, "dedupe-key"))
                        .startsWith("analyses-waiting-over:"))
                .isEmpty());
        System.out.printf("[outage] LLMs down %d ms: %d conversations waited, %d calls reached the LLMs; all "
                + "published %d ms after they came back%n", downForMs, CONVERSATIONS, callsWhileDown, catchUpMs);
    }

    static void down(LlmSimulator llm, String token) {
        llm.script(token, PRIMARY_MODEL, attempt -> Reply.status(503, Map.of()));
        llm.script(token, FALLBACK_MODEL, attempt -> Reply.status(502, Map.of()));
    }

    private List<String> send(String token, int count) {
        return send(kafka, token, count);
    }

    static List<String> send(KafkaTestClient kafka, String token, int count) {
        List<String> conversations = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String c = Events.newConversationId("outage" + i);
            conversations.add(c);
            kafka.send(c, Events.message("m-" + c, c, "user", "hello " + token).encode());
            kafka.send(c, Events.closed("close-" + c, c).encode());
        }
        return conversations;
    }

    private long waitingCount() {
        return waiting.count().await().atMost(Duration.ofSeconds(5));
    }

    /** Notifications about analyses waiting for an LLM, published since {@code sinceMillis}. */
    static int outageNotifications(KafkaTestClient kafka, long sinceMillis) {
        return kafka.records("oncall-notifications", r -> r.timestamp() >= sinceMillis
                && String.valueOf(KafkaTestClient.header(r, "dedupe-key")).startsWith("analyses-waiting:")).size();
    }
}
