package dev.conversationworker.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;

import io.vertx.core.json.JsonObject;

import dev.conversationworker.testsupport.Infrastructure;

/**
 * What the worker published during the soak, read in the background: analyses by trigger, failed ones, analysis ids
 * seen twice, notifications by kind, dead letters. To tell at the end whether every conversation got its analyses.
 */
final class SoakOutputs implements AutoCloseable {

    private final String analysesTopic;
    private final String notificationsTopic;
    private final Map<String, AtomicLong> analysesByTrigger = new ConcurrentHashMap<>();
    private final Set<String> analysisIds = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicLong> notificationsByKind = new ConcurrentHashMap<>();
    private final AtomicLong analyses = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong needAttention = new AtomicLong();
    private final AtomicLong deadLetters = new AtomicLong();
    private final Thread reader;
    private volatile boolean reading = true;

    SoakOutputs(Infrastructure infra, String analysesTopic, String notificationsTopic, String dlqTopic) {
        this.analysesTopic = analysesTopic;
        this.notificationsTopic = notificationsTopic;
        this.reader = new Thread(() -> read(infra, Set.of(analysesTopic, notificationsTopic, dlqTopic)),
                "soak-reader");
        reader.setDaemon(true);
        reader.start();
    }

    long analyses() {
        return analyses.get();
    }

    long failed() {
        return failed.get();
    }

    /** Analysis records whose analysisId was published before. */
    long duplicates() {
        return duplicates.get();
    }

    long needAttention() {
        return needAttention.get();
    }

    long deadLetters() {
        return deadLetters.get();
    }

    Map<String, Long> analysesByTrigger() {
        return counts(analysesByTrigger);
    }

    Map<String, Long> notificationsByKind() {
        return counts(notificationsByKind);
    }

    private static Map<String, Long> counts(Map<String, AtomicLong> counters) {
        Map<String, Long> counts = new TreeMap<>();
        counters.forEach((key, count) -> counts.put(key, count.get()));
        return counts;
    }

    private void read(Infrastructure infra, Set<String> topics) {
        Properties props = infra.kafkaClientProperties();
        props.put("group.id", "soak-reader-" + System.nanoTime());
        props.put("auto.offset.reset", "earliest");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(topics);
            while (reading) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.topic().equals(analysesTopic)) {
                        analysis(new JsonObject(record.value()));
                    } else if (record.topic().equals(notificationsTopic)) {
                        Header kind = record.headers().lastHeader("kind");
                        notificationsByKind.computeIfAbsent(
                                kind == null ? "?" : new String(kind.value(), StandardCharsets.UTF_8),
                                k -> new AtomicLong()).incrementAndGet();
                    } else {
                        deadLetters.incrementAndGet();
                    }
                }
            }
        }
    }

    private void analysis(JsonObject analysis) {
        analyses.incrementAndGet();
        analysesByTrigger.computeIfAbsent(analysis.getString("trigger", "?"), t -> new AtomicLong()).incrementAndGet();
        if (!analysisIds.add(analysis.getString("analysisId", ""))) {
            duplicates.incrementAndGet();
        }
        if ("failed".equals(analysis.getString("status"))) {
            failed.incrementAndGet();
        }
        JsonObject result = analysis.getJsonObject("result");
        if (result != null && result.getBoolean("needsAttention", false)) {
            needAttention.incrementAndGet();
        }
    }

    @Override
    public void close() throws InterruptedException {
        reading = false;
        reader.join(5_000);
    }
}
