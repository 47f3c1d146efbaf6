package dev.conversationworker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.conversationworker.history.HistoryConfig;
import dev.conversationworker.model.FormattedConversation;
import dev.conversationworker.model.TriggerType;
import dev.conversationworker.model.WaitingAnalysis;
import dev.conversationworker.testsupport.Events;
import dev.conversationworker.testsupport.KafkaTestClient;
import dev.conversationworker.testsupport.WithLlm;
import dev.conversationworker.waiting.WaitingAnalyses;

/**
 * A waiting analysis that fails for a reason other than the LLM (here a trigger time no version of the worker can
 * read) is tried a few times and given up: published once as {@code failed} with the reason, not resumed,
 * published and paged every lease period forever.
 */
@QuarkusTest
@TestProfile(WithLlm.class)
class WaitingAnalysisResumerTest {

    private final KafkaTestClient kafka = KafkaTestClient.get();

    @Inject
    WaitingAnalyses waiting;

    @Inject
    RedisDataSource redis;

    @Inject
    HistoryConfig history;

    @Inject
    MeterRegistry registry;

    @Test
    void aWaitingAnalysisThatKeepsFailingUnexpectedlyIsGivenUpAndPublishedAsFailedOnce() throws InterruptedException {
        String conversation = Events.newConversationId("given-up");
        WaitingAnalysis broken = new WaitingAnalysis(conversation, "close-" + conversation,
                TriggerType.CONVERSATION_CLOSED,
                "not a time", new FormattedConversation("1. [USER]: hello", 1, 1, false),
                System.currentTimeMillis(), 1, "primary answered HTTP 503", 0, null);
        double givenUpBefore = givenUp();
        waiting.park(broken).await().atMost(Duration.ofSeconds(5));

        await().atMost(Duration.ofSeconds(30)).until(() -> redis.hash(String.class)
                .hget(history.keyPrefix() + ":{waiting}:analyses", broken.id()) == null);
        assertThat(givenUp()).isEqualTo(givenUpBefore + 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> !kafka.records("conversation-analyses", conversation)
                .isEmpty());
        Thread.sleep(1000); // a second publication would show by now
        assertThat(kafka.values("conversation-analyses", conversation)).singleElement().satisfies(analysis -> {
            assertThat(analysis.getString("status")).isEqualTo("failed");
            assertThat(analysis.getString("analysisId")).isEqualTo(broken.id());
            assertThat(analysis.getString("error")).startsWith("given up after repeated unexpected failures");
        });
    }

    private double givenUp() {
        var counter = registry.find("cw.analyses.waits").tag("event", "given-up").counter();
        return counter == null ? 0 : counter.count();
    }
}
