package dev.conversationworker.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import io.vertx.core.json.JsonObject;

import dev.conversationworker.history.HistoryEntry;
import dev.conversationworker.publishing.AnalysisRecord;

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

    public IsolatedRun(String label, String redisHosts, Map<String, String> extraEnv) {
        this(label, Infrastructure.get().bootstrapServers(), redisHosts, extraEnv);
    }

    public IsolatedRun(String label, String bootstrapServers, String redisHosts, Map<String, String> extraEnv) {
        this.infra = Infrastructure.at(bootstrapServers, redisHosts);
        this.id = label + "-" + Long.toString(System.currentTimeMillis(), 36);
        this.redisHosts = redisHosts;
        infra.createTopics(Map.of(topic("in"), 4, topic("out"), 2, topic("notify"), 1, topic("dlq"), 1));
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
        this.messagesPerConversation = messages;
        int first = conversations.size();
        for (int i = first; i < first + count; i++) {
            conversations.add(id + "-c" + i);
        }
        for (int step = 0; step <= messages; step++) {
            for (String c : conversations.subList(first, first + count)) {
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
        return WorkerProcess.start(infra, 19000 + (int) (System.nanoTime() % 900), log, env, jvmOptions);
    }

    public List<Path> logs() {
        return logs;
    }

    public boolean allAnalysed() {
        return allAnalysed(conversations);
    }

    public boolean allAnalysed(List<String> which) {
        return which.stream().allMatch(c -> !kafka.records(topic("out"), c).isEmpty());
    }

    public void awaitAllAnalysed(Duration patience) throws InterruptedException {
        Instant deadline = Instant.now().plus(patience);
        while (!allAnalysed() && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
        }
        assertThat(allAnalysed()).as("every conversation analysed within " + patience).isTrue();
    }

    /** The checks after a run; returns how many analyses were repeats (same id, published again). */
    public int verifyNothingLostNothingDoubled() throws Exception {
        int repeats = 0;
        try (RedisInspector redis = new RedisInspector(redisHosts, env.getOrDefault("HISTORY_KEY_PREFIX", "cw"))) {
            for (String c : conversations) {
                List<ConsumerRecord<byte[], byte[]>> analyses = kafka.records(topic("out"), c);
                String expectedId = AnalysisRecord.analysisId(c, c + "-close");
                assertThat(kafka.values(topic("out"), c)).as("analyses of " + c).isNotEmpty()
                        .allSatisfy(a -> {
                            assertThat(a.getString("analysisId")).isEqualTo(expectedId);
                            assertThat(a.getString("status")).isEqualTo("ok");
                            assertThat(a.getInteger("messageCount")).isEqualTo(messagesPerConversation);
                        });
                repeats += analyses.size() - 1;
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
