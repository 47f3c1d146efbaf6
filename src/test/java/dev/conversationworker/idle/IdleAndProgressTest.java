package dev.conversationworker.idle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonObject;

import dev.conversationworker.model.AnalysisRecord;
import dev.conversationworker.model.TriggerType;
import dev.conversationworker.testsupport.Events;
import dev.conversationworker.testsupport.KafkaTestClient;
import dev.conversationworker.testsupport.WithLlm;

/**
 * Conversations that never close, through the real Kafka and Redis, as an analytics consumer sees them: an idle one
 * is analysed once, after (not before) {@code analysis.idle.after}; a closed one never; a message after an idle
 * analysis arms it again; a redelivered message neither re-arms a closed conversation nor repeats a progress
 * analysis; {@code analysis.every-messages} fires at N, 2N.
 */
@QuarkusTest
@TestProfile(IdleAndProgressTest.ShortIdle.class)
class IdleAndProgressTest {

    static final Duration IDLE = Duration.ofSeconds(3);

    public static class ShortIdle extends WithLlm {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("analysis.idle.after", IDLE.toSeconds() + "s", "analysis.every-messages", "3",
                    "history.key-prefix", "cw-idle-" + System.nanoTime());
        }
    }

    private final KafkaTestClient kafka = KafkaTestClient.get();

    @Test
    void anOpenConversationIsAnalysedOnceAsIdleAfterTheIdleTimeWithEveryMessage() throws Exception {
        String c = Events.newConversationId("idle");
        kafka.send(c, Events.message("m1-" + c, c, "user", "My order never arrived").encode());
        kafka.send(c, Events.message("m2-" + c, c, "assistant", "Let me check").encode());
        Instant lastSent = Instant.now();

        Thread.sleep(IDLE.toMillis() - 1000);
        assertThat(analyses(c)).as("nothing before the idle time").isEmpty();
        await().atMost(Duration.ofSeconds(20)).until(() -> !analyses(c).isEmpty());
        JsonObject idle = analyses(c).get(0);
        assertThat(idle.getString("trigger")).isEqualTo(TriggerType.CONVERSATION_IDLE.wireName());
        assertThat(idle.getString("triggerEventId")).isEqualTo("m2-" + c);
        assertThat(idle.getString("analysisId"))
                .isEqualTo(AnalysisRecord.analysisId(c, "m2-" + c, TriggerType.CONVERSATION_IDLE))
                .isNotEqualTo(AnalysisRecord.analysisId(c, "m2-" + c));
        assertThat(idle.getInteger("messageCount")).isEqualTo(2);
        assertThat(idle.getString("status")).isEqualTo("ok");
        assertThat(Instant.parse(idle.getString("analyzedAt"))).isAfterOrEqualTo(lastSent.plus(IDLE));

        Thread.sleep(IDLE.toMillis() + 2000);
        assertThat(analyses(c)).as("once").hasSize(1);
    }

    @Test
    void aClosedConversationIsNeverAnalysedAsIdleNotEvenWhenAMessageIsRedeliveredAfterTheClose() throws Exception {
        String c = Events.newConversationId("closed");
        String first = Events.message("m1-" + c, c, "user", "Hello").encode();
        kafka.send(c, first);
        kafka.send(c, Events.closed("close-" + c, c).encode());
        kafka.send(c, first); // redelivered: must not arm the closed conversation again
        String requested = Events.newConversationId("requested");
        kafka.send(requested, Events.message("m1-" + requested, requested, "user", "Hello").encode());
        kafka.send(requested, Events.analysisRequested("req-" + requested, requested).encode());

        Thread.sleep(IDLE.toMillis() + 4000);
        assertThat(analyses(c)).extracting(a -> a.getString("trigger")).containsExactly("conversation.closed");
        assertThat(analyses(requested)).extracting(a -> a.getString("trigger"))
                .containsExactly("analysis.requested");
    }

    @Test
    void aMessageAfterAnIdleAnalysisArmsTheConversationAgain() throws Exception {
        String c = Events.newConversationId("rearm");
        kafka.send(c, Events.message("m1-" + c, c, "user", "Hello?").encode());
        await().atMost(Duration.ofSeconds(20)).until(() -> analyses(c).size() == 1);
        kafka.send(c, Events.message("m2-" + c, c, "user", "Still there?").encode());
        await().atMost(Duration.ofSeconds(20)).until(() -> analyses(c).size() == 2);

        List<JsonObject> analyses = analyses(c);
        assertThat(analyses).extracting(a -> a.getString("trigger"))
                .containsOnly(TriggerType.CONVERSATION_IDLE.wireName());
        assertThat(analyses).extracting(a -> a.getString("triggerEventId")).containsExactly("m1-" + c, "m2-" + c);
        assertThat(analyses).extracting(a -> a.getInteger("messageCount")).containsExactly(1, 2);
        Thread.sleep(IDLE.toMillis() + 2000);
        assertThat(analyses(c)).hasSize(2);
    }

    @Test
    void everyThirdMessageIsAnalysedAsProgressAndARedeliveredOneDoesNotRepeatIt() throws Exception {
        String c = Events.newConversationId("progress");
        String third = Events.message("m3-" + c, c, "user", "three").encode();
        for (int m = 1; m <= 7; m++) {
            kafka.send(c, m == 3 ? third : Events.message("m" + m + "-" + c, c, "user", "n" + m).encode());
            if (m == 4) {
                kafka.send(c, third); // redelivered after the progress analysis it triggered
            }
        }
        kafka.send(c, Events.closed("close-" + c, c).encode());

        await().atMost(Duration.ofSeconds(30)).until(() -> analyses(c).size() >= 3);
        Thread.sleep(IDLE.toMillis() + 2000);
        List<JsonObject> analyses = analyses(c);
        assertThat(analyses).extracting(a -> a.getString("trigger") + "@" + a.getString("triggerEventId") + "="
                + a.getInteger("messageCount")).containsExactly(
                        TriggerType.CONVERSATION_PROGRESS.wireName() + "@m3-" + c + "=3",
                        TriggerType.CONVERSATION_PROGRESS.wireName() + "@m6-" + c + "=6",
                        "conversation.closed@close-" + c + "=7");
    }

    private List<JsonObject> analyses(String conversation) {
        return kafka.values("conversation-analyses", conversation);
    }
}
