package dev.conversationworker.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.vertx.core.json.JsonObject;

import dev.conversationworker.model.AnalysisRecord;
import dev.conversationworker.model.HistoryEntry;
import dev.conversationworker.model.TriggerType;

/**
 * One run of the packaged worker on topics, a consumer group and an LLM simulator of its own, with the checks
 * every fault-injection test makes afterwards: every trigger analysed, equal ids for equal triggers, every history
 * line there exactly once, no dead letter.
 */
public final class IsolatedRun implements AutoCloseable {

    public static final String API_KEY = "sk-isolated-SECRET-51f0";

    private final Infrastructure infra;
    private final String id;
    private final String redisHosts;
    private final LlmSimulator llm = new LlmSimulator();
    private final KafkaTestClient kafka;
    private final List<String> conversations = new ArrayList<>();
    private final List<Path> logs = new ArrayList<>();
    private final Map<String, String> env = new HashMap<>();
    private int messagesPerConversation;
    private int requestAfter = -1;

    public IsolatedRun(String label, String redisHosts, Map<String, String> extraEnv) {
        this(label, Infrastructure.get().bootstrapServers(), redisHosts, extraEnv);
    }

    public IsolatedRun(String label, String bootstrapServers, String redisHosts, Map<String, String> extraEnv) {
        this(label, bootstrapServers, redisHosts, extraEnv, 4);
    }

    /** @param inputPartitions partitions of the input topic (each worker of a group owns whole partitions) */
    public IsolatedRun(String label, String bootstrapServers, String redisHosts, Map<String, String> extraEnv,
            int inputPartitions) {
        this.infra = Infrastructure.at(bootstrapServers, redisHosts);
        this.id = label + "-" + Long.toString(System.currentTimeMillis(), 36);
        this.redisHosts = redisHosts;
        infra.createTopics(Map.of(topic("in"), inputPartitions, topic("out"), 2, topic("notify"), 1, topic("dlq"),
                1));
        this.kafka = new KafkaTestClient(infra, topic("in"), topic("out"), topic("notify"), topic("dlq"));
        llm.recordCalls(false);
        env.putAll(Map.of("TOPICS_INPUT", topic("in"), "TOPICS_ANALYSES", topic("out"), "TOPICS_NOTIFICATIONS",
                topic("notify"), "TOPICS_DEAD_LETTER", topic("dlq"), "MP_MESSAGING_INCOMING_CHAT_EVENTS_GROUP_ID",
                id, "LLM_PRIMARY_BASE_URL", llm.baseUrl(), "LLM_PRIMARY_MODEL", "isolated-model",
                "LLM_PRIMARY_API_KEY", API_KEY, "QUARKUS_REDIS_HOSTS", redisHosts));
        env.putAll(extraEnv);
    }

    public String topic(String role) {
        return id + "-" + role;
    }

    /** The value of one of the worker's environment variables in this run. */
    public String env(String name) {
        return env.get(name);
    }

    public LlmSimulator llm() {
        return llm;
    }

    public KafkaTestClient kafka() {
        return kafka;
    }

    public List<String> conversations() {
        return conversations;
    }

    /** Produces {@code count} conversations of {@code messages} messages and a close, interleaved. */
    public void produce(int count, int messages) {
        produce(count, messages, false);
    }

    /**
     * Produces {@code count} conversations of {@code messages} messages and a close, interleaved; with
     * {@code requestMidway}, an {@code analysis.requested} after the first half of the messages, so that a trigger
     * has messages after it (its analysis must not see them, however often it is redelivered).
     */
    public void produce(int count, int messages, boolean requestMidway) {
        this.messagesPerConversation = messages;
        this.requestAfter = requestMidway ? messages / 2 : -1;
        int first = conversations.size();
        for (int i = first; i < first + count; i++) {
            conversations.add(id + "-c" + i);
        }
        for (int step = 0; step <= messages; step++) {
            for (String c : conversations.subList(first, first + count)) {
                if (step == requestAfter) {
                    kafka.sendAsync(c, Events.analysisRequested(c + "-req", c).encode());
                }
                JsonObject event = step < messages
                        ? Events.message(c + "-m" + step, c, step % 2 == 0 ? "user" : "assistant", "line " + step)
                        : Events.closed(c + "-close", c);
                kafka.sendAsync(c, event.encode());
            }
        }
        kafka.flush();
    }

    public WorkerProcess startWorker() throws Exception {
        return startWorker(List.of());
    }

    public WorkerProcess startWorker(List<String> jvmOptions) throws Exception {
        Path log = Path.of("target", id + "-worker-" + (logs.size() + 1) + ".log");
        logs.add(log);
        return WorkerProcess.start(infra, Ports.freePort(), log, env, jvmOptions);
    }

    public List<Path> logs() {
        return logs;
    }

    public boolean allAnalysed() {
        return allAnalysed(conversations);
    }

    /** Whether each conversation's close (its last event) was analysed. */
    public boolean allAnalysed(List<String> which) {
        return which.stream().allMatch(c -> {
            String closeAnalysis = AnalysisRecord.analysisId(c, c + "-close");
            return kafka.records(topic("out"), c).stream()
                    .anyMatch(r -> closeAnalysis.equals(KafkaTestClient.header(r, "analysis-id")));
        });
    }

    public void awaitAllAnalysed(Duration patience) throws InterruptedException {
        Instant deadline = Instant.now().plus(patience);
        while (!allAnalysed() && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
        }
        assertThat(allAnalysed()).as("every conversation analysed within " + patience).isTrue();
    }

    /**
     * The checks after a run; returns how many analyses were repeats (same id, published again). Every copy of an
     * analysis is the same result: the conversation as it stood at its trigger.
     */
    public int verifyNothingLostNothingDoubled() throws Exception {
        int repeats = 0;
        try (RedisInspector redis = new RedisInspector(redisHosts, env.getOrDefault("HISTORY_KEY_PREFIX", "cw"))) {
            for (String c : conversations) {
                Map<String, Integer> expectedCounts = new HashMap<>();
                expectedCounts.put(AnalysisRecord.analysisId(c, c + "-close"), messagesPerConversation);
                if (requestAfter >= 0) {
                    expectedCounts.put(AnalysisRecord.analysisId(c, c + "-req"), requestAfter);
                }
                // With idle triggers on, a conversation whose next event was held up (its partition moving, a
                // worker stopping) for longer than the idle timeout is analysed as idle at the message before:
                // another analysis, of the conversation as it stood then, not a repeat.
                Map<String, Integer> allowedCounts = new HashMap<>(expectedCounts);
                if (env.containsKey("ANALYSIS_IDLE_AFTER")) {
                    for (int m = 0; m < messagesPerConversation; m++) {
                        allowedCounts.put(AnalysisRecord.analysisId(c, c + "-m" + m, TriggerType.CONVERSATION_IDLE),
                                m + 1);
                    }
                }
                List<JsonObject> analyses = kafka.values(topic("out"), c);
                assertThat(analyses).as("analyses of " + c).isNotEmpty().allSatisfy(a -> {
                    assertThat(allowedCounts).as("analysis ids of " + c).containsKey(a.getString("analysisId"));
                    assertThat(a.getString("status")).isEqualTo("ok");
                    assertThat(a.getInteger("messageCount")).as("messages seen by " + a.getString("triggerEventId"))
                            .isEqualTo(allowedCounts.get(a.getString("analysisId")));
                });
                assertThat(analyses).extracting(a -> a.getString("analysisId")).as("every trigger of " + c)
                        .containsAll(expectedCounts.keySet());
                Map<String, JsonObject> firstResult = new HashMap<>();
                for (JsonObject analysis : analyses) {
                    JsonObject first = firstResult.putIfAbsent(analysis.getString("analysisId"),
                            analysis.getJsonObject("result"));
                    if (first != null) {
                        assertThat(analysis.getJsonObject("result")).as("a repeat of %s carries the same result",
                                analysis.getString("analysisId")).isEqualTo(first);
                    }
                }
                repeats += analyses.size() - firstResult.size();
                List<String> expectedLines = new ArrayList<>();
                for (int m = 0; m < messagesPerConversation; m++) {
                    expectedLines.add(c + "-m" + m);
                }
                assertThat(redis.history(c)).extracting(HistoryEntry::eventId).as("history of " + c)
                        .containsExactlyElementsOf(expectedLines);
            }
        }
        assertThat(kafka.records(topic("dlq"))).as("no spurious dead letter").isEmpty();
        return repeats;
    }

    @Override
    public void close() {
        llm.close();
    }
}
