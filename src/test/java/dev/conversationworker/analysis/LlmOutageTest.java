package dev.conversationworker.analysis;

import static dev.conversationworker.testsupport.WorkerTestResource.FALLBACK_MODEL;
import static dev.conversationworker.testsupport.WorkerTestResource.PRIMARY_MODEL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import dev.conversationworker.testsupport.LlmSimulator.Reply;
import dev.conversationworker.testsupport.WithLlm;
import dev.conversationworker.testsupport.WorkerTestResource;

/**
 * Both LLMs down: their circuits open, so the worker stops calling them, and on-call gets a few messages and one
 * "analyses are failing" summary, not one message per conversation.
 */
@QuarkusTest
@TestProfile(LlmOutageTest.SmallCircuit.class)
class LlmOutageTest {

    public static class SmallCircuit extends WithLlm {

        @Override
        public Map<String, String> getConfigOverrides() {
            // Its own app: the circuits it opens do not leak into other tests.
            return Map.of("llm.circuit.failure-threshold", "3", "llm.circuit.open-for", "1m",
                    "notify.failed-analysis-burst", "2");
        }
    }

    private final KafkaTestClient kafka = KafkaTestClient.get();
    private final LlmSimulator llm = WorkerTestResource.simulator();

    private List<String> send(String token, int count) {
        List<String> conversations = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String c = Events.newConversationId("outage" + i);
            conversations.add(c);
            kafka.send(c, Events.message("m-" + c, c, "user", "hello " + token).encode());
            kafka.send(c, Events.closed("close-" + c, c).encode());
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> conversations.stream()
                .allMatch(c -> !kafka.records("conversation-analyses", c).isEmpty()));
        return conversations;
    }

    @Test
    void aDownLlmIsNotHammeredAndOnCallIsNotFlooded() {
        String token = "tokoutage" + System.nanoTime();
        llm.script(token, PRIMARY_MODEL, attempt -> Reply.status(503, Map.of()));
        llm.script(token, FALLBACK_MODEL, attempt -> Reply.status(502, Map.of()));
        List<String> conversations = send(token, 20);
        // Without circuits: 20 conversations × 3 attempts × 2 endpoints = 120 calls. With them, only first
        // attempts already in flight when the circuits opened reach the servers: at most one per endpoint each.
        int callsWhileOpening = llm.calls(token).size();
        assertThat(callsWhileOpening).as("calls to the down LLMs").isLessThanOrEqualTo(40);
        // Once open, nothing reaches them.
        conversations.addAll(send(token, 10));
        assertThat(llm.calls(token)).hasSize(callsWhileOpening);

        assertThat(conversations).allSatisfy(c -> assertThat(kafka.values("conversation-analyses", c).get(0)
                .getString("status")).isEqualTo("failed"));
        long perConversation = conversations.stream()
                .filter(c -> !kafka.records("oncall-notifications", c).isEmpty()).count();
        assertThat(perConversation).isEqualTo(2);
        await().atMost(Duration.ofSeconds(10)).until(() -> kafka.records("oncall-notifications",
                r -> String.valueOf(KafkaTestClient.header(r, "dedupe-key")).startsWith("analyses-failing:"))
                .size() == 1);
    }
}
