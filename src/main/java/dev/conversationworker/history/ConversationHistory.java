package dev.conversationworker.history;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;

import dev.conversationworker.model.ChatEvent;
import dev.conversationworker.model.HistoryEntry;
import dev.conversationworker.support.RedisScript;
import dev.conversationworker.support.SafeTruncation;
import dev.conversationworker.support.StoredJson;

/**
 * The door to Redis: appends messages exactly once and reads a conversation as it stands. Non-blocking only; the
 * append is one Lua script, so the dedupe marker and the line are written together or not at all.
 */
@ApplicationScoped
public class ConversationHistory {

    private static final RedisScript APPEND = RedisScript.load("/history/append.lua");
    private static final RedisScript READ = RedisScript.load("/history/read.lua");
    private static final RedisScript MARK_PUBLISHED = RedisScript.load("/history/mark-published.lua");
    private static final RedisScript PSEUDONYM_NUMBERS = RedisScript.load("/history/pseudonym-numbers.lua");

    private final ReactiveRedisDataSource redis;
    private final HistoryConfig config;

    ConversationHistory(ReactiveRedisDataSource redis, HistoryConfig config) {
        this.redis = redis;
        this.config = config;
    }

    /**
     * What became of an append.
     *
     * @param appended {@code false} when the message was already stored (a redelivery)
     * @param sequence the message's arrival number in its conversation (1, 2, …), also for a redelivery
     */
    public record Appended(boolean appended, long sequence) {
    }

    /**
     * Emits {@code true} when the message was appended, {@code false} when it was already there (redelivery).
     *
     * @param partition the input partition the message came from, and {@code offset} its offset there
     */
    public Uni<Boolean> append(ChatEvent message, int partition, long offset) {
        return append(message, partition, offset, Duration.ZERO).map(Appended::appended);
    }

    /**
     * Appends the message and, in the same atomic step, arms its conversation's idle timer to fall due
     * {@code idleAfter} from now on Redis' clock, which all instances share ({@link Duration#ZERO}: no timer). A
     * redelivered message arms nothing.
     */
    public Uni<Appended> append(ChatEvent message, int partition, long offset, Duration idleAfter) {
        return append(message, false, partition, offset, idleAfter);
    }

    /** @param tokenised its text was pseudonymised for storing ({@link HistoryEntry#tokenised()}) */
    public Uni<Appended> append(ChatEvent message, boolean tokenised, int partition, long offset,
            Duration idleAfter) {
        HistoryKeys keys = keys(message.conversationId());
        String entry = HistoryCodec.encode(new HistoryEntry(message.eventId(), message.role().wireName(),
                SafeTruncation.withEllipsis(message.text(), config.maxMessageChars()),
                message.timestamp().toString(), partition, offset, tokenised));
        // Stored at 0: the script sets the time from Redis' clock.
        String armed = StoredJson.write(new ArmedConversation(message.conversationId(), message.eventId(), partition,
                offset, 0));
        return APPEND.run(redis, 6, keys.messages(), keys.seenEventIds(), keys.sequence(), keys.shard().due(),
                keys.shard().armed(), keys.shard().claims(), message.eventId(), entry,
                Integer.toString(config.maxMessages()),
                Long.toString(Math.max(1, config.ttl().toSeconds())),
                Integer.toString(Math.max(config.dedupeWindow(), config.maxMessages())),
                Long.toString(Math.max(0, idleAfter.toMillis())), keys.slug(), armed)
                .map(response -> new Appended(response.get(0).toLong() == 1L, response.get(1).toLong()));
    }

    /**
     * The conversation as it stood at a trigger: the messages stored before the trigger's offset in its partition
     * (so a redelivered trigger sees what it saw the first time), only the most recent ones whose texts fill
     * {@code budgetChars}, each counted up to {@code maxMessageChars}. One script, walking from the end: a long
     * history costs only what is returned.
     * Decode the entries with {@link HistoryCodec} off the event loop.
     */
    public Uni<HistoryWindow> readBefore(String conversationId, int partition, long offset, int budgetChars,
            int maxMessageChars) {
        return READ.run(redis, 1, keys(conversationId).messages(), Integer.toString(partition),
                Long.toString(offset), Integer.toString(budgetChars), Integer.toString(Math.max(1, maxMessageChars)))
                .map(ConversationHistory::toWindow);
    }

    /** Whether the analysis with this id was published already (a redelivered trigger is then not analysed again). */
    public Uni<Boolean> wasPublished(String conversationId, String analysisId) {
        return redis.execute("SISMEMBER", keys(conversationId).publishedAnalyses(), analysisId)
                .map(response -> response != null && response.toLong() == 1L);
    }

    /** Remembers a published analysis for as long as the conversation's history is kept. */
    public Uni<Void> markPublished(String conversationId, String analysisId) {
        return MARK_PUBLISHED.run(redis, 1, keys(conversationId).publishedAnalyses(), analysisId,
                Long.toString(Math.max(1, config.ttl().toSeconds()))).replaceWithVoid();
    }

    /**
     * The placeholder numbers of a conversation's personal values, kept with its history (and for as long), so a
     * value has one placeholder in every analysis of the conversation, however much of it each one reads.
     *
     * @param values {@code <KIND>|<fingerprint>} of each value, in order of first appearance; never a raw value
     * @return each value's number within its kind, in the same order
     */
    public Uni<List<Integer>> placeholderNumbers(String conversationId, List<String> values) {
        List<String> keyThenArgs = new ArrayList<>(values.size() + 2);
        keyThenArgs.add(keys(conversationId).pseudonyms());
        keyThenArgs.add(Long.toString(Math.max(1, config.ttl().toSeconds())));
        keyThenArgs.addAll(values);
        return PSEUDONYM_NUMBERS.run(redis, 1, keyThenArgs.toArray(String[]::new))
                .map(response -> {
                    List<Integer> numbers = new ArrayList<>(response.size());
                    response.forEach(n -> numbers.add(n.toInteger()));
                    return numbers;
                });
    }

    private HistoryKeys keys(String conversationId) {
        return HistoryKeys.of(config.keyPrefix(), conversationId);
    }

    private static HistoryWindow toWindow(Response response) {
        List<String> entries = new ArrayList<>(Math.max(0, response.size() - 2));
        for (int i = 2; i < response.size(); i++) {
            entries.add(response.get(i).toString());
        }
        return new HistoryWindow(response.get(0).toInteger(), response.get(1).toInteger(), entries);
    }
}
