package dev.conversationworker.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.opentelemetry.context.Context;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

import dev.conversationworker.model.FormattedConversation;
import dev.conversationworker.model.LlmBudgetTurned;
import dev.conversationworker.model.LlmUsage;
import dev.conversationworker.model.Provider;
import dev.conversationworker.ops.Traces;
import dev.conversationworker.support.TokenCount;
import dev.conversationworker.testsupport.LlmSimulator;
import dev.conversationworker.testsupport.TestConfigs;
import dev.conversationworker.testsupport.WithLlm;

/**
 * The fleet's budget against the real Redis and a real LLM server: two instances (each with its own event loops,
 * HTTP client, endpoint and budget object, as two processes would have), sharing one budget in Redis, with 512 calls
 * in flight each, spend no more than the budget and one call's worst case; the budget fills up to within one call's
 * worst case; each turn (spent, free again) is heard by one instance only; the window slides.
 */
@QuarkusTest
@TestProfile(WithLlm.class)
class FleetTokenBudgetTest {

    private static final String MODEL = "gpt-4o-mini";
    private static final int IN_FLIGHT = 512;

    @Inject
    ReactiveRedisDataSource redis;

    private final List<Vertx> vertxes = new ArrayList<>();
    private final ConcurrentLinkedQueue<LlmBudgetTurned> turns = new ConcurrentLinkedQueue<>();
    /** Each test in a key space of its own. */
    private final String prefix = "cw-budget-test-" + System.nanoTime();

    @AfterEach
    void close() {
        vertxes.forEach(Vertx::close);
    }

    @Test
    void twoInstancesWith512CallsInFlightEachSpendNoMoreThanTheBudgetAndOneCallsWorstCase() throws Exception {
        long budget = 3_000_000; // room for the worst cases of 1,024 calls at once
        try (LlmSimulator llm = new LlmSimulator()) {
            llm.recordCalls(false);
            llm.defaultLatency(model -> 300); // long enough for 512 calls to be out at once
            List<Instance> fleet = List.of(new Instance(llm, budget), new Instance(llm, budget));
            Random random = new Random(22);
            List<AnalysisPrompt> prompts = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                prompts.add(prompt(random));
            }
            TokenCount tokens = TokenCount.forModel(MODEL);
            int maxCompletion = TestConfigs.fastLlm(1 << 20).maxCompletionTokens();
            // One call's worst case: its prompt and the most its answer may have.
            long worstOfAll = prompts.stream()
                    .mapToLong(p -> tokens.chatPromptTokens(p.system(), p.user()) + maxCompletion).max()
                    .orElseThrow();

            // A burst: both instances analyse every prompt at once (512 out each, the rest waiting for a slot).
            AtomicInteger answered = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            List<Uni<Void>> all = new ArrayList<>();
            for (Instance instance : fleet) {
                for (AnalysisPrompt prompt : prompts) {
                    all.add(instance.analyse(prompt, answered, refused));
                }
            }
            Uni.join().all(all).andFailFast().await().atMost(Duration.ofMinutes(3));
            long spentInTheBurst = spent(llm);
            assertThat(answered).as("some calls fit").hasPositiveValue();
            assertThat(refused).as("the burst asked for more than the budget").hasPositiveValue();
            assertThat(llm.maxConcurrentCalls()).as("calls out at once").isGreaterThanOrEqualTo(IN_FLIGHT);
            assertThat(spentInTheBurst).as("spent in the burst, against a budget of " + budget)
                    .isLessThanOrEqualTo(budget + worstOfAll);

            // Then one call after another, from either instance, until the budget has no room for the next (fast
            // answers now: a thousand calls or so are left).
            llm.defaultLatency(model -> 1);
            boolean refusedBefore = false;
            for (int i = 0; i < 10_000; i++) {
                int before = refused.get();
                fleet.get(i % 2).analyse(prompts.get(i % prompts.size()), answered, refused)
                        .await().atMost(Duration.ofSeconds(30));
                if (refused.get() > before) {
                    if (refusedBefore) {
                        break;
                    }
                    // What the instances' leases hold goes back to the fleet within a second (their timers): then once
                    // more.
                    for (Instance instance : fleet) {
                        instance.budget.refresh().await().atMost(Duration.ofSeconds(10));
                    }
                    refusedBefore = true;
                } else {
                    refusedBefore = false;
                }
            }
            long spent = spent(llm);
            System.out.printf("[budget] %d tokens per hour: %d spent in the burst of %d calls (%d answered, %d "
                    + "refused), %d after filling up; the worst case of one call %d; overspend %d%n", budget,
                    spentInTheBurst, prompts.size() * 2, answered.get(), refused.get(), spent, worstOfAll,
                    spent - budget);
            assertThat(spent).as("the budget filled up").isBetween(budget - worstOfAll, budget + worstOfAll);
            // Settled calls cost less than their worst case, so the budget may have room again (a tenth of it) in
            // the burst: each turn is heard by one instance only, so spent and free alternate, never repeat.
            List<Boolean> heard = turns.stream().map(LlmBudgetTurned::spent).toList();
            assertThat(heard).as("turns heard by the fleet").isNotEmpty().first().isEqualTo(true);
            for (int turn = 1; turn < heard.size(); turn++) {
                assertThat(heard.get(turn)).as("turn " + turn + " of " + heard).isNotEqualTo(heard.get(turn - 1));
            }
        }
    }

    @Test
    void theWindowSlidesAndEachTurnIsHeardOnceForTheFleet() throws Exception {
        // A window of a second (ten buckets of 100 ms): an hour, shortened.
        TokenBudget first = slidingBudget(10_000);
        TokenBudget second = slidingBudget(10_000);
        assertThat(first.reserve(4_000).await().indefinitely().denied()).isFalse();
        TokenBudget.Reservation settled = second.reserve(4_000).await().indefinitely();
        second.settle(settled, 1_000); // a call whose worst case was 4,000 cost 1,000: sent with the next run
        second.refresh().await().indefinitely();
        assertThat(first.reserve(4_000).await().indefinitely().denied()).as("1,000 + 8,000 fit in 10,000").isFalse();
        assertThat(second.reserve(4_000).await().indefinitely().denied()).isTrue();
        assertThat(first.reserve(4_000).await().indefinitely().denied()).isTrue();
        assertThat(first.remaining()).isEqualTo(1_000);
        assertThat(turns).as("spent: heard by the first to find it so").hasSize(1);

        Thread.sleep(1_300); // the window has moved past all of it
        assertThat(first.reserve(4_000).await().indefinitely().denied()).isFalse();
        assertThat(second.reserve(4_000).await().indefinitely().denied()).isFalse();
        assertThat(turns).extracting(LlmBudgetTurned::spent).containsExactly(true, false);
        assertThat(turns).allSatisfy(turn -> assertThat(turn.whenSpent()).isEqualTo("offline"));
        assertThat(second.remaining()).isEqualTo(2_000);
    }

    @Test
    void aLeaseServesCallsInMemoryAndGivesBackWhatItDidNotUseWhenItRetires() {
        // 1,000,000 tokens: a lease is 10,000.
        TokenBudget first = TokenBudget.fleet(redis, prefix, 1_000_000, "offline", turns::add);
        TokenBudget second = TokenBudget.fleet(redis, prefix, 1_000_000, "offline", turns::add);
        TokenBudget.Reservation one = first.reserve(2_000).await().indefinitely();
        assertThat(one.lease()).as("the first call takes a lease").isNotNull();
        second.refresh().await().indefinitely();
        assertThat(second.remaining()).as("the fleet sees the lease").isEqualTo(990_000);
        TokenBudget.Reservation two = first.reserve(3_000).await().indefinitely();
        assertThat(two.lease()).as("the next is served from it").isSameAs(one.lease());
        first.settle(one, 500);

        first.refresh().await().indefinitely(); // the lease retires: 5,000 of it is held, by the open call
        second.refresh().await().indefinitely();
        assertThat(second.remaining()).isEqualTo(1_000_000 - 500 - 3_000);
        first.settle(two, 700); // a call of a retired lease settles with the fleet
        first.refresh().await().indefinitely();
        assertThat(first.remaining()).isEqualTo(1_000_000 - 500 - 700);
    }

    private TokenBudget slidingBudget(long tokens) {
        return TokenBudget.fleet(redis, prefix, tokens, "offline", turns::add, Duration.ofMillis(100), 9);
    }

    /** What the LLM server billed: prompt and completion tokens of every call. */
    private static long spent(LlmSimulator llm) {
        LlmSimulator.Billed billed = llm.billed("");
        return billed.promptTokens() + billed.completionTokens();
    }

    /** A conversation of 1 to 60 lines: prompts of very different worst cases. */
    private static AnalysisPrompt prompt(Random random) {
        StringBuilder text = new StringBuilder();
        int lines = 1 + random.nextInt(60);
        for (int line = 1; line <= lines; line++) {
            text.append(line).append(line % 2 == 1 ? ". [USER]: " : ". [ASSISTANT]: ")
                    .append("I ordered item ").append(random.nextInt(100_000))
                    .append(" and it has not arrived; can you check where it is?\n");
        }
        return AnalysisPrompt.of(new FormattedConversation(text.toString().strip(), lines, lines, false));
    }

    /** One instance of the worker, as far as LLM calls go. */
    private final class Instance {

        private final LlmEndpoint endpoint;
        private final TokenBudget budget;

        Instance(LlmSimulator llm, long tokensPerHour) {
            Vertx vertx = Vertx.vertx();
            vertxes.add(vertx);
            LlmConfig config = TestConfigs.fastLlm(1 << 20);
            LlmHttpClient http = new LlmHttpClient(vertx, Duration.ofSeconds(2), Duration.ofSeconds(30), IN_FLIGHT,
                    1 << 20);
            this.endpoint = new LlmEndpoint(new EndpointSettings(Provider.PRIMARY, llm.baseUrl(), null, MODEL,
                    LlmConfig.ResponseFormat.JSON_SCHEMA, IN_FLIGHT), config, http, Traces.none());
            this.budget = TokenBudget.fleet(redis, prefix, tokensPerHour, "offline", turns::add);
        }

        /** One analysis: answered, or refused for want of budget; any other failure fails the test. */
        Uni<Void> analyse(AnalysisPrompt prompt, AtomicInteger answered, AtomicInteger refused) {
            return endpoint.analyse(prompt, Context.root(), false, new UsageLedger(LlmUsage.NONE,
                    UsageLedger.Sink.NONE, budget))
                    .invoke(answer -> answered.incrementAndGet())
                    .replaceWithVoid()
                    .onFailure(failure -> failure instanceof LlmCallException call && call.budgetSpent())
                    .recoverWithItem(failure -> {
                        refused.incrementAndGet();
                        return null;
                    });
        }
    }
}
