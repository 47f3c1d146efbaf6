package dev.conversationworker.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.vertx.core.json.JsonObject;

import dev.conversationworker.model.LlmUsage;
import dev.conversationworker.testsupport.Infrastructure;

/**
 * Synthetic conversations through Kafka: produces them (messages then a close, conversations interleaved, all at once
 * or at a steady rate) and reads the analyses back, keeping end-to-end latencies and what their LLM calls cost
 * ({@code usage}, summed over every record). A latency is kept twice, both from the trigger's produce timestamp: to
 * the analysis record's timestamp (when the worker sent it) and to when this reader, read committed, received it
 * (when a consumer could see it: in exactly-once mode, after its transaction committed). All on this machine's clock.
 */
final class Workload implements AutoCloseable {

    private final Infrastructure infra;
    private final String inputTopic;
    private final Map<String, Long> triggerProducedAt = new ConcurrentHashMap<>();
    private final long[] latenciesMs;
    private final long[] seenLatenciesMs;
    private final long[] publishedAtMs;
    private final AtomicInteger analyses = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger deadLetters = new AtomicInteger();
    private final AtomicReference<Instant> lastAnalysisAt = new AtomicReference<>();
    private final AtomicInteger withUsage = new AtomicInteger();
    private final AtomicInteger estimated = new AtomicInteger();
    // Written by the reader thread only.
    private volatile LlmUsage usage = LlmUsage.NONE;
    private volatile LlmUsage usageInAll = LlmUsage.NONE;
    private final Thread reader;
    private volatile boolean reading = true;

    private final String runId;

    /**
     * What customers write. {@code -Dbench.personal-data=true}: every customer message carries an email, a phone
     * number, a name and an order number, so pseudonymisation has something to replace (its worst case here).
     */
    private static final String USER_TEXT = Boolean.getBoolean("bench.personal-data")
            ? "Tôi là Nguyễn Văn An, email an.nguyen@example.com, số 0912 345 678: đơn hàng ORD-55120034 chưa "
                    + "giao, làm sao để đổi mật khẩu?"
            : "Tôi không đăng nhập được, làm sao để đổi mật khẩu?";

    /** Reads the analyses of conversations whose id starts with {@code runId}. */
    Workload(Infrastructure infra, String runId, String inputTopic, String analysesTopic, String dlqTopic,
            int expected) {
        this.infra = infra;
        this.runId = runId;
        this.inputTopic = inputTopic;
        this.latenciesMs = new long[expected];
        this.seenLatenciesMs = new long[expected];
        this.publishedAtMs = new long[expected];
        this.reader = new Thread(() -> read(analysesTopic, dlqTopic), "bench-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Produces {@code conversations} × ({@code messages} messages and a close), all at once, or, with
     * {@code perSecond} above 0, that many conversations a second, a tenth of them every 100 ms; returns the events
     * sent.
     */
    long produce(int conversations, int messages, int perSecond) throws InterruptedException {
        return produce(runId, conversations, messages, perSecond);
    }

    /** All at once, under another id prefix (a warm-up, whose analyses this workload does not count). */
    long produce(String runId, int conversations, int messages) throws InterruptedException {
        return produce(runId, conversations, messages, 0);
    }

    private long produce(String runId, int conversations, int messages, int perSecond) throws InterruptedException {
        Properties props = infra.kafkaClientProperties();
        props.put("acks", "all");
        props.put("linger.ms", "10");
        props.put("batch.size", "262144");
        props.put("compression.type", "lz4");
        long sent = 0;
        String now = Instant.now().toString();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                new StringSerializer())) {
            // Interleaved in rounds of 1,000 conversations, as many chats are live at once; at a rate, a round every
            // 100 ms.
            int round = perSecond > 0 ? Math.max(1, perSecond / 10) : 1000;
            long started = System.nanoTime();
            for (int base = 0; base < conversations; base += round) {
                if (perSecond > 0) {
                    long due = started + TimeUnit.MILLISECONDS.toNanos(100L * (base / round));
                    TimeUnit.NANOSECONDS.sleep(due - System.nanoTime());
                }
                int end = Math.min(conversations, base + round);
                for (int step = 0; step <= messages; step++) {
                    for (int c = base; c < end; c++) {
                        String conversation = runId + "-c" + c;
                        JsonObject event = new JsonObject().put("conversationId", conversation).put("timestamp", now);
                        if (step < messages) {
                            event.put("eventId", conversation + "-m" + step).put("type", "message")
                                    .put("role", step % 2 == 0 ? "user" : "assistant")
                                    .put("text", step % 2 == 0
                                            ? USER_TEXT
                                            : "Please open Settings, then Security, then Change password.");
                            producer.send(new ProducerRecord<>(inputTopic, conversation, event.encode()));
                        } else {
                            event.put("eventId", conversation + "-close").put("type", "conversation.closed");
                            producer.send(new ProducerRecord<>(inputTopic, conversation, event.encode()),
                                    (metadata, error) -> {
                                        if (metadata != null) {
                                            triggerProducedAt.put(conversation, metadata.timestamp());
                                        }
                                    });
                        }
                        sent++;
                    }
                }
                if (perSecond > 0) {
                    producer.flush(); // sent now, not when the batch fills
                }
            }
            producer.flush();
        }
        return sent;
    }

    boolean awaitAnalyses(int expected, Duration patience) throws InterruptedException {
        Instant deadline = Instant.now().plus(patience);
        while (analyses.get() < expected && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
        return analyses.get() >= expected;
    }

    int analyses() {
        return analyses.get();
    }

    int failed() {
        return failed.get();
    }

    int deadLetters() {
        return deadLetters.get();
    }

    /** The usage of the run's analyses, summed. */
    LlmUsage usage() {
        return usage;
    }

    /** The usage of every analysis on the topic, the warm-up's included: what the worker billed in all. */
    LlmUsage usageInAll() {
        return usageInAll;
    }

    /** The run's analyses that carried a {@code usage} (none from a build before issue 22). */
    int withUsage() {
        return withUsage.get();
    }

    /** The run's analyses whose usage was partly counted with the tokenizer ({@code estimated}). */
    int estimated() {
        return estimated.get();
    }

    Instant lastAnalysisAt() {
        return lastAnalysisAt.get();
    }

    /** p-th percentile (0–100) of end-to-end latency in ms over the analyses received: to the record's timestamp. */
    long percentileMs(double p) {
        return percentileMs(latenciesMs, p);
    }

    /** p-th percentile (0–100) of end-to-end latency in ms over the analyses received: until this reader saw them. */
    long seenPercentileMs(double p) {
        return percentileMs(seenLatenciesMs, p);
    }

    private long percentileMs(long[] latencies, double p) {
        int n = Math.min(analyses.get(), latencies.length);
        if (n == 0) {
            return -1;
        }
        long[] sorted = Arrays.copyOf(latencies, n);
        Arrays.sort(sorted);
        return sorted[Math.min(n - 1, (int) Math.ceil(p / 100.0 * n) - 1)];
    }

    /**
     * Analyses per second between the 10th and the 90th percentile of completions (the record's timestamp, set by
     * the worker's producer when it published the analysis): the worker's rate without ramp and tail, whenever this
     * reader, which shares the machine, gets round to reading them.
     */
    double steadyRate() {
        long[] window = steadyWindowMs();
        if (window == null) {
            return 0;
        }
        int n = Math.min(analyses.get(), publishedAtMs.length);
        return (n * 9 / 10 - n / 10) / Math.max(0.001, (window[1] - window[0]) / 1000.0);
    }

    /** When the 10th and the 90th percentile of analyses were published (epoch ms), or null before 10. */
    long[] steadyWindowMs() {
        int n = Math.min(analyses.get(), publishedAtMs.length);
        if (n < 10) {
            return null;
        }
        long[] sorted = Arrays.copyOf(publishedAtMs, n);
        Arrays.sort(sorted);
        return new long[]{sorted[n / 10], sorted[n * 9 / 10]};
    }

    private void read(String analysesTopic, String dlqTopic) {
        Properties props = infra.kafkaClientProperties();
        props.put("group.id", "bench-reader-" + System.nanoTime());
        props.put("auto.offset.reset", "earliest");
        props.put("max.poll.records", "2000");
        // As a consumer of exactly-once mode must; the same as before for a worker without transactions.
        props.put("isolation.level", "read_committed");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(Set.of(analysesTopic, dlqTopic));
            while (reading) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                    boolean ours = record.key() != null && record.key().startsWith(runId + "-");
                    if (record.topic().equals(dlqTopic)) {
                        if (ours) {
                            deadLetters.incrementAndGet();
                        }
                        continue;
                    }
                    JsonObject analysis = new JsonObject(record.value());
                    JsonObject used = analysis.getJsonObject("usage");
                    LlmUsage spent = used == null
                            ? LlmUsage.NONE
                            : new LlmUsage(used.getLong("promptTokens", 0L), used.getLong("completionTokens", 0L),
                                    used.getLong("cachedTokens", 0L), used.getInteger("calls", 0),
                                    used.getBoolean("estimated", false));
                    usageInAll = usageInAll.plus(spent);
                    if (!ours) {
                        continue; // the warm-up's
                    }
                    usage = usage.plus(spent);
                    if (used != null) {
                        withUsage.incrementAndGet();
                    }
                    if (spent.estimated()) {
                        estimated.incrementAndGet();
                    }
                    if ("failed".equals(analysis.getString("status"))) {
                        failed.incrementAndGet();
                    }
                    Long producedAt = triggerProducedAt.get(record.key());
                    int i = analyses.getAndIncrement();
                    if (i < latenciesMs.length) {
                        latenciesMs[i] = producedAt == null ? 0 : record.timestamp() - producedAt;
                        seenLatenciesMs[i] = producedAt == null ? 0 : System.currentTimeMillis() - producedAt;
                        publishedAtMs[i] = record.timestamp();
                    }
                    lastAnalysisAt.set(Instant.now());
                }
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        reading = false;
        reader.join(5_000);
    }
}
