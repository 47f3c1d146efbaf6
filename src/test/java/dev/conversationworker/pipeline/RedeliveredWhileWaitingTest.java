package dev.conversationworker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.conversationworker.model.FormattedConversation;
import dev.conversationworker.model.TriggerType;
import dev.conversationworker.model.WaitingAnalysis;
import dev.conversationworker.testsupport.Events;
import dev.conversationworker.testsupport.KafkaTestClient;
import dev.conversationworker.testsupport.WithLlm;
import dev.conversationworker.waiting.WaitingAnalyses;

/**
 * A trigger redelivered while its analysis waits for an LLM is left to the waiting room: analysed again now, with
 * the messages stored since, it would give its {@code analysisId} a second, different result.
 */
@QuarkusTest
@TestProfile(RedeliveredWhileWaitingTest.LongWait.class)
class RedeliveredWhileWaitingTest {

    /** Waiting analyses fall due only after ten minutes: this test sees them waiting. */
    public static class LongWait extends WithLlm {

        private static final String KEY_PREFIX = "cw-redelivered-" + System.nanoTime();

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("analysis.retry-initial-backoff", "10m", "analysis.retry-max-backoff", "10m",
                    "analysis.max-wait", "15m", "history.key-prefix", KEY_PREFIX);
        }
    }

    private final KafkaTestClient kafka = KafkaTestClient.get();

    @Inject
    WaitingAnalyses waiting;

    @Inject
    MeterRegistry registry;

    @Test
    void aTriggerWhoseAnalysisWaitsIsNotAnalysedAgain() {
        String conversation = Events.newConversationId("redelivered-waiting");
        String close = "close-" + conversation;
        WaitingAnalysis parked = new WaitingAnalysis(conversation, close, TriggerType.CONVERSATION_CLOSED,
                "2026-11-24T10:00:00Z", new FormattedConversation("1. [USER]: first", 1, 1, false),
                System.currentTimeMillis(), 1, "primary answered HTTP 503", 0, null);
        waiting.park(parked).await().atMost(Duration.ofSeconds(5));
        double skippedBefore = skippedWhileWaiting();

        kafka.send(conversation, Events.message("m1-" + conversation, conversation, "user", "first").encode());
        kafka.send(conversation, Events.message("m2-" + conversation, conversation, "user", "second").encode());
        kafka.send(conversation, Events.closed(close, conversation).encode()); // the trigger, redelivered

        await().atMost(Duration.ofSeconds(20)).until(() -> skippedWhileWaiting() > skippedBefore);
        assertThat(kafka.records("conversation-analyses", conversation)).as("left to the waiting room").isEmpty();
        assertThat(waiting.isWaiting(parked.id()).await().atMost(Duration.ofSeconds(5))).isTrue();
    }

    private double skippedWhileWaiting() {
        var counter = registry.find("cw.analyses.skipped").tag("reason", "waiting").counter();
        return counter == null ? 0 : counter.count();
    }
}
