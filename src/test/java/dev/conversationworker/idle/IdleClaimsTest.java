package dev.conversationworker.idle;

import static dev.conversationworker.testsupport.WorkerTestResource.FALLBACK_MODEL;
import static dev.conversationworker.testsupport.WorkerTestResource.PRIMARY_MODEL;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonObject;

import dev.conversationworker.history.ConversationHistory;
import dev.conversationworker.history.HistoryKeys;
import dev.conversationworker.model.AnalysisRecord;
import dev.conversationworker.model.ChatEvent;
import dev.conversationworker.model.EventType;
import dev.conversationworker.model.Role;
import dev.conversationworker.model.TriggerType;
import dev.conversationworker.testsupport.Events;
import dev.conversationworker.testsupport.KafkaTestClient;
import dev.conversationworker.testsupport.LlmSimulator;
import dev.conversationworker.testsupport.LlmSimulator.Reply;
import dev.conversationworker.testsupport.WithLlm;
import dev.conversationworker.testsupport.WorkerProcess;
import dev.conversationworker.testsupport.WorkerTestResource;

/**
 * What becomes of an idle claim, through the real Kafka and Redis: an idle analysis that fails every time is tried
 * {@code analysis.idle.max-attempts} times, then published as {@code failed} (not retried until the history
 * expires); a claim whose conversation got a new message during its analysis (stored by the instance consuming
 * its partition, while this one analyses it) is moot, not a claim lost.
 */
@QuarkusTest
@TestProfile(IdleClaimsTest.ShortIdleLease.class)
class IdleClaimsTest {

    static final Duration IDLE = Duration.ofSeconds(3);

    public static class ShortIdleLease extends WithLlm {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("analysis.idle.after", IDLE.toSeconds() + "s", "analysis.idle.lease", "2s",
                    "analysis.idle.max-attempts", "2", "history.key-prefix", "cw-idle-claims-" + System.nanoTime());
        }
    }

    private final KafkaTestClient kafka = KafkaTestClient.get();
    private final LlmSimulator llm = WorkerTestResource.simulator();

    @Inject
    RedisDataSource redis;

    @Inject
    ConversationHistory history;

    @ConfigProperty(name = "history.key-prefix")
    String keyPrefix;

    @Test
    void anIdleAnalysisThatFailsEveryTimeIsPublishedAsFailedAfterItsAttemptsAndNotTriedAgain() throws Exception {
        String c = Events.newConversationId("idle-failing");
        HistoryKeys keys = HistoryKeys.of(keyPrefix, c);
        double givenUpBefore = metric("cw_idle_analyses_given_up_total");
        kafka.send(c, Events.message("m1-" + c, c, "user", "My order never arrived").encode());
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> redis.execute("EXISTS", keys.messages()).toInteger() == 1);
        // Damaged before its idle time: every read of its history now fails, and no retry can mend it.
        redis.execute("SET", keys.messages(), "damaged by hand");

        await().atMost(Duration.ofSeconds(30)).until(() -> !analyses(c).isEmpty());
        JsonObject failed = analyses(c).get(0);
        assertThat(failed.getString("trigger")).isEqualTo(TriggerType.CONVERSATION_IDLE.wireName());
        assertThat(failed.getString("analysisId"))
                .isEqualTo(AnalysisRecord.analysisId(c, "m1-" + c, TriggerType.CONVERSATION_IDLE));
        assertThat(failed.getString("status")).isEqualTo("failed");
        assertThat(failed.getValue("result")).isNull();
        assertThat(failed.getString("error")).contains("2 attempts").contains("WRONGTYPE");
        assertThat(metric("cw_idle_analyses_given_up_total") - givenUpBefore).isEqualTo(1);

        Thread.sleep(3 * 2000); // three more idle leases: an attempt still scheduled would have come
        assertThat(analyses(c)).as("published once").hasSize(1);
        assertThat(redis.execute("HEXISTS", keys.shard().armed(), keys.slug()).toInteger())
                .as("its idle timer is dropped").isZero();
    }

    @Test
    void aNewMessageStoredDuringAnIdleAnalysisMakesTheClaimMootNotLost() throws Exception {
        String c = Events.newConversationId("idle-rearmed");
        String token = "tokrearm" + System.nanoTime();
        for (String model : List.of(PRIMARY_MODEL, FALLBACK_MODEL)) {
            llm.script(token, model, attempt -> Reply.ok(attempt == 1 ? 3000 : 10, LlmSimulator.defaultResult("")));
        }
        double lostBefore = metric("cw_idle_claims_lost_total");
        RecordMetadata first = kafka.send(c, Events.message("m1-" + c, c, "user", "Hello? " + token).encode());
        await().atMost(Duration.ofSeconds(20)).until(() -> !llm.calls(token, PRIMARY_MODEL).isEmpty());
        // Meanwhile another instance, the one consuming the conversation's partition, stores its next message
        // (whose own idle time ends after this analysis, so that its timer is not claimed meanwhile).
        ChatEvent next = new ChatEvent("m2-" + c, EventType.MESSAGE, c, OffsetDateTime.now(ZoneOffset.UTC), Role.USER,
                "Still there? " + token, null, null, null, null);
        history.append(next, first.partition(), first.offset() + 1, IDLE.multipliedBy(3)).await()
                .atMost(Duration.ofSeconds(10));

        await().atMost(Duration.ofSeconds(30)).until(() -> analyses(c).size() == 2);
        assertThat(analyses(c)).extracting(a -> a.getString("triggerEventId")).containsExactly("m1-" + c, "m2-" + c);
        assertThat(metric("cw_idle_claims_lost_total") - lostBefore).as("claims lost").isZero();
    }

    private List<JsonObject> analyses(String conversation) {
        return kafka.values("conversation-analyses", conversation);
    }

    private static double metric(String name) {
        return WorkerProcess.metric(given().get("/q/metrics").asString(), name);
    }
}
