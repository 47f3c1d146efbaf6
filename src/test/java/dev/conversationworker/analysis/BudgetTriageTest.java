package dev.conversationworker.analysis;

import static org.assertj.core.api.Assertions.assertThat;

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
 * {@code llm.budget.when-spent=triage}, through Kafka and Redis: the offline analyzer answers a calm conversation
 * without any LLM call ({@code offlineReason: triage}); one it finds serious (at least {@code notify.min-severity},
 * high) goes to the LLM while the budget has room, and is answered offline ({@code budget-spent}) when it has none.
 */
@QuarkusTest
@TestProfile(BudgetTriageTest.Triage.class)
class BudgetTriageTest {

    private static final String KEY_PREFIX = "cw-budget-triage-" + System.nanoTime();
    private static final Duration WITHIN = Duration.ofSeconds(30);
    private static final String SERIOUS = "I was charged twice and I want a refund now. ";

    @Inject
    ReactiveRedisDataSource redis;

    private final LlmSimulator llm = WorkerTestResource.simulator();

    @Test
    void onlyWhatTheOfflineAnalyzerFindsSeriousGoesToTheLlm() {
        BudgetedWorker worker = new BudgetedWorker(redis, KEY_PREFIX);
        String token = "tokbudgettriage" + System.nanoTime();

        JsonObject calm = worker.analysis(worker.converse("triage-calm", "Where is my parcel? " + token + "a"), WITHIN);
        assertThat(calm.getString("provider")).isEqualTo("offline");
        assertThat(calm.getString("offlineReason")).isEqualTo("triage");
        assertThat(calm.getJsonObject("usage").getInteger("calls")).isZero();
        assertThat(llm.calls(token + "a")).isEmpty();

        JsonObject serious = worker.analysis(worker.converse("triage-serious", SERIOUS + token + "b"), WITHIN);
        assertThat(serious.getString("provider")).isIn("primary", "fallback");
        assertThat(serious.containsKey("offlineReason")).isFalse();
        assertThat(llm.calls(token + "b")).isNotEmpty();

        worker.spendTheBudget();
        JsonObject spent = worker.analysis(worker.converse("triage-spent", SERIOUS + token + "c"), WITHIN);
        assertThat(spent.getString("provider")).isEqualTo("offline");
        assertThat(spent.getString("offlineReason")).isEqualTo("budget-spent");
        assertThat(spent.getJsonObject("result").getString("severity")).isIn("high", "critical");
        assertThat(llm.calls(token + "c")).isEmpty();
        worker.freeTheBudget();
    }

    public static class Triage extends BudgetedWorker.Profile {

        public Triage() {
            super(KEY_PREFIX, "triage");
        }
    }
}
