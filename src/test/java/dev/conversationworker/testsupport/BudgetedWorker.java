package dev.conversationworker.testsupport;

import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.vertx.core.json.JsonObject;

/**
 * The worker with a fleet LLM budget ({@link Profile}), and what a test does around it: spend the fleet's budget as
 * other instances would (it writes the window in Redis), free it as an hour passing would, send a conversation and
 * read its analysis and the budget's notifications as users see them on the topics.
 */
public final class BudgetedWorker {

    /** Large enough for every conversation of a test; spent only by {@link #spendTheBudget}. */
    public static final long TOKENS_PER_HOUR = 5_000_000;
    /** How long an instance holds a lease of the budget at most (the reading interval), with a margin. */
    private static final Duration LEASE_LIFE = Duration.ofMillis(1_500);

    private final KafkaTestClient kafka = KafkaTestClient.get();
    private final ReactiveRedisDataSource redis;
    private final String window;

    public BudgetedWorker(ReactiveRedisDataSource redis, String keyPrefix) {
        this.redis = redis;
        this.window = keyPrefix + ":{llm-budget}:window";
    }

    /** The worker with the LLM simulator, a budget, {@code when-spent} of the test's choice, in its own key space. */
    public abstract static class Profile extends WithLlm {

        private final String keyPrefix;
        private final String whenSpent;

        protected Profile(String keyPrefix, String whenSpent) {
            this.keyPrefix = keyPrefix;
            this.whenSpent = whenSpent;
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("history.key-prefix", keyPrefix, "llm.budget.tokens-per-hour", Long.toString(TOKENS_PER_HOUR),
                    "llm.budget.when-spent", whenSpent, "analysis.max-wait", "5m");
        }
    }

    /** Other instances spent it all, just now: the current 10-second bucket holds more than the whole budget. */
    public void spendTheBudget() {
        long nowMs = redis.execute("TIME").map(t -> t.get(0).toLong() * 1000 + t.get(1).toLong() / 1000)
                .await().atMost(Duration.ofSeconds(10));
        long bucket = nowMs / 10_000;
        // Twice the budget: what the worker gives back of its own lease (reserved before) still leaves no room.
        String spent = Long.toString(2 * TOKENS_PER_HOUR);
        redis.execute("HSET", window, "total", spent, "oldest", Long.toString(bucket), "b" + bucket, spent)
                .await().atMost(Duration.ofSeconds(10));
        // What the worker had leased before (reserved already, at most a second long) is given back or used first.
        try {
            Thread.sleep(LEASE_LIFE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The hour has passed: nothing in the window counts any more. */
    public void freeTheBudget() {
        redis.execute("DEL", window).await().atMost(Duration.ofSeconds(10));
    }

    /** A conversation of one customer message, closed: its analysis follows. */
    public String converse(String label, String customerText) {
        String conversation = Events.newConversationId(label);
        kafka.send(conversation, Events.message("m-" + conversation, conversation, "user", customerText).encode());
        kafka.send(conversation, Events.closed("close-" + conversation, conversation).encode());
        return conversation;
    }

    public JsonObject analysis(String conversation, Duration within) {
        await().atMost(within).until(() -> !kafka.values("conversation-analyses", conversation).isEmpty());
        return kafka.values("conversation-analyses", conversation).get(0);
    }

    public List<JsonObject> analyses(String conversation) {
        return kafka.values("conversation-analyses", conversation);
    }

    /** The budget's operational notifications whose dedupe-key starts with {@code dedupePrefix}, sent since. */
    public List<String> budgetNotifications(String dedupePrefix, long sinceEpochMs) {
        return kafka.records("oncall-notifications", (ConsumerRecord<byte[], byte[]> r) -> r.timestamp() >= sinceEpochMs
                && KafkaTestClient.header(r, "dedupe-key") != null
                && KafkaTestClient.header(r, "dedupe-key").startsWith(dedupePrefix)).stream()
                .map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
    }
}
