package dev.conversationworker.notification;

import static dev.conversationworker.testsupport.KafkaTestClient.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.conversationworker.history.HistoryKeys;
import dev.conversationworker.testsupport.Events;
import dev.conversationworker.testsupport.KafkaTestClient;
import dev.conversationworker.testsupport.WithLlm;

/** The attention window in the real Redis, and end to end through Kafka (window: the default 30 minutes). */
@QuarkusTest
@TestProfile(WithLlm.class)
class AttentionNotificationTest {

    private static final Duration AWAIT = Duration.ofSeconds(10);

    @Inject
    ReactiveRedisDataSource redis;

    private final KafkaTestClient kafka = KafkaTestClient.get();
    private final String prefix = "cw-attention-test-" + System.nanoTime();

    @Test
    void twoAttentionAnalysesOfOneConversationPageOnceTwoConversationsPageTwice() {
        String one = Events.newConversationId("attention-once");
        String other = Events.newConversationId("attention-other");
        for (String conversation : new String[]{one, other}) {
            kafka.send(conversation, Events.message("m1-" + conversation, conversation, "user",
                    "This is fraud, my account was hacked and I want a refund").encode());
            kafka.send(conversation, Events.analysisRequested("req-" + conversation, conversation).encode());
        }
        kafka.send(one, Events.closed("close-" + one, one).encode());

        await().atMost(Duration.ofSeconds(20)).until(() -> kafka.values("conversation-analyses", one).size() == 2
                && kafka.values("conversation-analyses", other).size() == 1);
        assertThat(kafka.values("conversation-analyses", one))
                .allSatisfy(a -> assertThat(a.getJsonObject("result").getBoolean("needsAttention")).isTrue());
        await().atMost(AWAIT).until(() -> kafka.records("oncall-notifications", other).size() == 1);
        await().during(Duration.ofSeconds(2)).atMost(AWAIT)
                .until(() -> kafka.records("oncall-notifications", one).size() == 1);
        assertThat(header(kafka.records("oncall-notifications", one).get(0), "kind")).isEqualTo("attention");
    }

    @Test
    void claimsAreSharedByInstancesHeldByOneAnalysisAndExpireWithTheWindow() {
        RedisAttentionClaims instanceA = new RedisAttentionClaims(redis, prefix, Duration.ofMillis(500));
        RedisAttentionClaims instanceB = new RedisAttentionClaims(redis, prefix, Duration.ofMillis(500));

        assertThat(instanceA.claim("c-1", "a-1").await().atMost(AWAIT)).isTrue();
        assertThat(instanceB.claim("c-1", "a-2").await().atMost(AWAIT)).as("another analysis, same window").isFalse();
        assertThat(instanceB.claim("c-1", "a-1").await().atMost(AWAIT)).as("the same analysis, redelivered").isTrue();
        assertThat(instanceB.claim("c-2", "a-3").await().atMost(AWAIT)).as("another conversation").isTrue();
        assertThat(instanceA.key("c-1"))
                .isEqualTo(prefix + String.format(":{s%02d}:c:c-1:paged", HistoryKeys.shardOf("c-1")));

        instanceB.release("c-2", "someone-else").await().atMost(AWAIT);
        assertThat(instanceA.claim("c-2", "a-4").await().atMost(AWAIT)).as("only the holder releases").isFalse();
        instanceB.release("c-2", "a-3").await().atMost(AWAIT);
        assertThat(instanceA.claim("c-2", "a-4").await().atMost(AWAIT)).isTrue();

        await().atMost(AWAIT).until(() -> instanceB.claim("c-1", "a-5").await().atMost(AWAIT));
    }
}
