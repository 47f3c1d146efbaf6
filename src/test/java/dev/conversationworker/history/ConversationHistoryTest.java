package dev.conversationworker.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonObject;

import dev.conversationworker.testsupport.Events;
import dev.conversationworker.testsupport.KafkaTestClient;
import dev.conversationworker.testsupport.WithLlm;

/** History in the real Redis: in order, once per event id even when Kafka redelivers, bounded and expiring. */
@QuarkusTest
@TestProfile(WithLlm.class)
class ConversationHistoryTest {

    private final KafkaTestClient kafka = KafkaTestClient.get();

    @Inject
    RedisDataSource redis;

    @Inject
    HistoryConfig config;

    @Test
    void aRedeliveredMessageIsStoredOnceAndTheHistoryKeepsItsOrder() {
        String conversation = Events.newConversationId("redelivery");
        String first = Events.message("m1-" + conversation, conversation, "user", "Xin chào 👋").encode();
        kafka.send(conversation, first);
        kafka.send(conversation, Events.message("m2-" + conversation, conversation, "assistant", "Hi!").encode());
        kafka.send(conversation, first); // redelivered (same eventId)
        kafka.send(conversation, Events.closed("close-" + conversation, conversation).encode());

        await().atMost(Duration.ofSeconds(20))
                .until(() -> kafka.records("conversation-analyses", conversation).size() == 1);
        List<HistoryEntry> stored = HistoryCodec.decode(redis.list(String.class)
                .lrange(HistoryKeys.of(config.keyPrefix(), conversation).messages(), 0, -1));
        assertThat(stored).extracting(HistoryEntry::eventId).containsExactly("m1-" + conversation,
                "m2-" + conversation);
        assertThat(stored.get(0).text()).isEqualTo("Xin chào 👋");
        assertThat(stored.get(0).role()).isEqualTo("user");
        JsonObject analysis = kafka.values("conversation-analyses", conversation).get(0);
        assertThat(analysis.getInteger("messageCount")).isEqualTo(2);
    }

    @Test
    void theHistoryIsBoundedAndExpires() {
        String conversation = "c:{tag}/weird id " + System.nanoTime();
        int sent = config.maxMessages() + 5;
        for (int i = 1; i <= sent; i++) {
            kafka.send(conversation, Events.message("m" + i + "-" + conversation, conversation, "user", "n" + i)
                    .encode());
        }
        kafka.send(conversation, Events.closed("close-" + conversation, conversation).encode());
        await().atMost(Duration.ofSeconds(30))
                .until(() -> kafka.records("conversation-analyses", conversation).size() == 1);

        HistoryKeys keys = HistoryKeys.of(config.keyPrefix(), conversation);
        List<HistoryEntry> stored = HistoryCodec.decode(redis.list(String.class).lrange(keys.messages(), 0, -1));
        assertThat(stored).hasSize(config.maxMessages());
        assertThat(stored.get(0).text()).isEqualTo("n6");
        assertThat(stored.get(stored.size() - 1).text()).isEqualTo("n" + sent);
        long ttl = redis.key().ttl(keys.messages());
        assertThat(ttl).isPositive().isLessThanOrEqualTo(config.ttl().toSeconds());
        assertThat(redis.key().ttl(keys.seenEventIds())).isPositive();
        assertThat(kafka.values("conversation-analyses", conversation).get(0).getInteger("messageCount"))
                .isEqualTo(config.maxMessages());
    }
}
