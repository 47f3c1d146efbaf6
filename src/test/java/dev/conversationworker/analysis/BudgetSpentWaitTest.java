package dev.conversationworker.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

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
 * {@code llm.budget.when-spent=wait}, through Kafka and Redis: with the fleet's budget spent, an analysis is not
 * published and no LLM is called; it waits in the waiting room (on-call hears of the budget, not of an LLM outage),
 * and once the budget has room it is asked of the LLM and published, once.
 */
@QuarkusTest
@TestProfile(BudgetSpentWaitTest.Wait.class)
class BudgetSpentWaitTest {

    private static final String KEY_PREFIX = "cw-budget-wait-" + System.nanoTime();

    @Inject
    ReactiveRedisDataSource redis;

    private final LlmSimulator llm = WorkerTestResource.simulator();

    @Test
    void whenTheBudgetIsSpentTheAnalysisWaitsAndIsPublishedFromTheLlmOnceThereIsRoom() {
        BudgetedWorker worker = new BudgetedWorker(redis, KEY_PREFIX);
        long started = System.currentTimeMillis();
        String token = "tokbudgetwait" + System.nanoTime();
        worker.spendTheBudget();

        String conversation = worker.converse("budget-wait", "I was charged twice, I want a refund. " + token);
        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(10))
                .until(() -> worker.analyses(conversation).isEmpty());
        assertThat(llm.calls(token)).as("no LLM call while the budget is spent").isEmpty();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> worker.budgetNotifications("llm-budget-spent:", started).size() == 1);
        assertThat(worker.budgetNotifications("llm-budget-spent:", started).get(0)).contains("Analyses wait for it");
        assertThat(worker.budgetNotifications("analyses-waiting:", started)).as("no page as for an LLM outage")
                .isEmpty();

        worker.freeTheBudget();
        JsonObject analysis = worker.analysis(conversation, Duration.ofSeconds(30));
        assertThat(analysis.getString("provider")).isIn("primary", "fallback");
        assertThat(analysis.containsKey("offlineReason")).isFalse();
        assertThat(analysis.getJsonObject("usage").getInteger("calls")).isEqualTo(llm.calls(token).size());
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(30))
                .until(() -> worker.analyses(conversation).size() == 1
                        && worker.budgetNotifications("llm-budget-free:", started).size() == 1);
    }

    public static class Wait extends BudgetedWorker.Profile {

        public Wait() {
            super(KEY_PREFIX, "wait");
        }
    }
}
