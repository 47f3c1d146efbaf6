package dev.conversationworker.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonObject;

import dev.conversationworker.testsupport.BudgetedWorker;
import dev.conversationworker.testsupport.LlmSimulator;
import dev.conversationworker.testsupport.WorkerTestResource;

/**
 * {@code llm.budget.when-spent=offline}, through Kafka and Redis: with room, the LLM answers; with the fleet's budget
 * spent, every analysis is published at once by the offline analyzer, marked {@code offlineReason: budget-spent},
 * with no LLM call; on-call hears once that it is spent and once that it has room again.
 */
@QuarkusTest
@TestProfile(BudgetSpentOfflineTest.Offline.class)
class BudgetSpentOfflineTest {

    private static final String KEY_PREFIX = "cw-budget-offline-" + System.nanoTime();
    private static final Duration WITHIN = Duration.ofSeconds(30);

    @Inject
    ReactiveRedisDataSource redis;

    private final LlmSimulator llm = WorkerTestResource.simulator();

    @Test
    void whenTheBudgetIsSpentTheOfflineAnalyzerAnswersAtOnceAndOnCallHearsItOnce() {
        BudgetedWorker worker = new BudgetedWorker(redis, KEY_PREFIX);
        long started = System.currentTimeMillis();
        String token = "tokbudgetoffline" + System.nanoTime();

        JsonObject withRoom = worker.analysis(worker.converse("budget-room", "Where is my parcel? " + token + "a"),
                WITHIN);
        assertThat(withRoom.getString("provider")).isIn("primary", "fallback");
        assertThat(withRoom.containsKey("offlineReason")).isFalse();

        worker.spendTheBudget();
        List<String> spentConversations = List.of(
                worker.converse("budget-spent", "Where is my parcel? " + token + "b"),
                worker.converse("budget-spent", "I was charged twice, I want a refund. " + token + "c"),
                worker.converse("budget-spent", "How do I change my password? " + token + "d"));
        for (String conversation : spentConversations) {
            JsonObject analysis = worker.analysis(conversation, WITHIN);
            assertThat(analysis.getString("provider")).isEqualTo("offline");
            assertThat(analysis.getString("status")).isEqualTo("degraded");
            assertThat(analysis.getString("offlineReason")).isEqualTo("budget-spent");
            assertThat(analysis.getJsonObject("usage").getInteger("calls")).isZero();
            assertThat(analysis.getJsonObject("result").getString("summary")).isNotBlank();
        }
        assertThat(llm.calls(token + "b")).as("no LLM call while the budget is spent").isEmpty();
        assertThat(llm.calls(token + "c")).isEmpty();
        assertThat(llm.calls(token + "d")).isEmpty();

        worker.freeTheBudget();
        JsonObject again = worker.analysis(worker.converse("budget-free", "Where is my parcel? " + token + "e"),
                WITHIN);
        assertThat(again.getString("provider")).isIn("primary", "fallback");

        await().atMost(WITHIN).until(() -> worker.budgetNotifications("llm-budget-free:", started).size() == 1);
        await().during(Duration.ofSeconds(2)).atMost(WITHIN).until(() -> worker
                .budgetNotifications("llm-budget-spent:", started).size() == 1
                && worker.budgetNotifications("llm-budget-free:", started).size() == 1);
        assertThat(worker.budgetNotifications("llm-budget-spent:", started).get(0))
                .contains("The LLM budget is spent", BudgetedWorker.TOKENS_PER_HOUR + " tokens per hour",
                        "offline analyzer answers");
        assertThat(spentConversations).allSatisfy(c -> assertThat(worker.analyses(c)).hasSize(1));
    }

    public static class Offline extends BudgetedWorker.Profile {

        public Offline() {
            super(KEY_PREFIX, "offline");
        }
    }
}
