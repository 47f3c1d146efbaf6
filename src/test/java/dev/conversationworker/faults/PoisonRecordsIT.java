package dev.conversationworker.faults;

import static dev.conversationworker.testsupport.KafkaTestClient.header;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.vertx.core.json.JsonObject;

import dev.conversationworker.testsupport.Events;
import dev.conversationworker.testsupport.Infrastructure;
import dev.conversationworker.testsupport.IsolatedRun;
import dev.conversationworker.testsupport.KafkaTestClient;
import dev.conversationworker.testsupport.WorkerProcess;

/**
 * Records an upstream service can send that used to stop or stall consumption, produced into one partition ahead
 * of 50 healthy conversations, through the packaged worker: CloudEvents headers (which closed the consumer), an
 * invalid record near the broker's size limit (whose dead letter could not be written), forged dead-letter
 * headers, keys that are not the conversation, timestamps out of range. Every healthy conversation behind them is
 * analysed, each hostile record is dead-lettered once with our reason, and the worker stays live and ready.
 */
@Tag("faults")
class PoisonRecordsIT {

    private static final int HEALTHY = 50;

    @Test
    void hostileRecordsAheadOfHealthyOnesStopNothing() throws Exception {
        hostileRecordsAheadOfHealthyOnes("poison", Map.of());
    }

    /**
     * The same in exactly-once mode, where a dead letter joins a transaction: one too large for the topic fails the
     * transaction, which is aborted and sent again with the dead letter cut.
     */
    @Test
    void hostileRecordsAheadOfHealthyOnesStopNothingInExactlyOnceMode() throws Exception {
        hostileRecordsAheadOfHealthyOnes("poison-eo", Map.of("WORKER_DELIVERY_GUARANTEE", "exactly-once"));
    }

    private void hostileRecordsAheadOfHealthyOnes(String label, Map<String, String> env) throws Exception {
        try (IsolatedRun run = new IsolatedRun(label, Infrastructure.get().redisHosts(), env)) {
            run.llm().defaultLatency(model -> 20);
            KafkaTestClient kafka = run.kafka();
            KafkaTestClient poison = kafka.unchecked(); // records that break the input contract, on purpose
            String id = run.topic("p");
            Map<Long, String> deadLetterReasonByOffset = new LinkedHashMap<>();
            List<String> processed = new ArrayList<>();

            // 1. CloudEvents headers on valid events: an event like any other.
            String cloudEvent = id + "-ce-structured";
            send(kafka, cloudEvent, Events.closed(cloudEvent + "-close", cloudEvent),
                    kafkaHeader("content-type", "application/cloudevents+json; charset=UTF-8"));
            processed.add(cloudEvent);
            String binaryCe = id + "-ce-binary";
            send(kafka, binaryCe, Events.closed(binaryCe + "-close", binaryCe), kafkaHeader("ce_specversion", "1.0"),
                    kafkaHeader("ce_id", "1"), kafkaHeader("ce_type", "chat"),
                    kafkaHeader("ce_source", "not a URI: ::%%"));
            processed.add(binaryCe);

            // 2. An invalid record near the broker's 1 MiB limit: with our headers its dead letter is larger.
            byte[] huge = new byte[1024 * 1024 - 200];
            Arrays.fill(huge, (byte) 'x');
            String hugeKey = id + "-huge";
            deadLetterReasonByOffset.put(poison.send(0, bytes(hugeKey), huge, List.of()).offset(), "not valid JSON");

            // A record large in its key, not its value: cutting the value is not enough.
            byte[] hugeKeyBytes = new byte[1024 * 1024 - 200];
            Arrays.fill(hugeKeyBytes, (byte) 'k');
            deadLetterReasonByOffset.put(poison.send(0, hugeKeyBytes, bytes("{not json"), List.of()).offset(),
                    "not valid JSON");

            // 12. Forged dead-letter headers are dropped; ours are the only ones.
            String forged = id + "-forged";
            deadLetterReasonByOffset.put(poison.send(0, bytes(forged), bytes("{not json"), List.of(
                    kafkaHeader("dead-letter-reason", "all is well"), kafkaHeader("dead-letter-offset", "-1")))
                    .offset(),
                    "not valid JSON");

            // 6. A key that is not the conversation, and no key.
            String other = id + "-other";
            deadLetterReasonByOffset.put(poison.send(0, bytes(other + "-key"),
                    Events.closed(other + "-close", other).encode().getBytes(StandardCharsets.UTF_8), List.of())
                    .offset(), "is not the conversationId");
            deadLetterReasonByOffset.put(poison.send(0, null,
                    Events.closed(other + "-nokey", other).encode().getBytes(StandardCharsets.UTF_8), List.of())
                    .offset(), "record has no key");

            // 4. Timestamps out of the contract's range.
            for (String timestamp : new String[]{"0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z"}) {
                String c = id + "-time-" + timestamp.substring(0, 4);
                deadLetterReasonByOffset.put(poison.send(0, bytes(c), bytes(Events.closed(c + "-close", c)
                        .put("timestamp", timestamp)), List.of()).offset(), "must be from 1970");
            }

            // 50 healthy conversations behind them, in the same partition.
            List<String> healthy = new ArrayList<>();
            for (int i = 0; i < HEALTHY; i++) {
                String c = id + "-ok-" + i;
                healthy.add(c);
                kafka.sendAsync(bytes(c), bytes(Events.message(c + "-m0", c, "user", "Xin chào " + i)), 0);
                kafka.sendAsync(bytes(c), bytes(Events.closed(c + "-close", c)), 0);
            }
            kafka.flush();
            processed.addAll(healthy);

            try (WorkerProcess worker = run.startWorker()) {
                Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
                while (Instant.now().isBefore(deadline) && !(run.allAnalysed(processed)
                        && kafka.records(run.topic("dlq")).size() >= deadLetterReasonByOffset.size())) {
                    assertThat(worker.alive()).as("the worker is alive; see " + worker.log()).isTrue();
                    Thread.sleep(250);
                }
                assertThat(run.allAnalysed(processed)).as("every healthy conversation analysed; see " + worker.log())
                        .isTrue();
                Thread.sleep(2000); // anything dead-lettered twice would show by now

                List<ConsumerRecord<byte[], byte[]>> dead = kafka.records(run.topic("dlq"));
                assertThat(dead).extracting(r -> Long.parseLong(header(r, "dead-letter-offset")))
                        .containsExactlyInAnyOrderElementsOf(deadLetterReasonByOffset.keySet());
                for (ConsumerRecord<byte[], byte[]> record : dead) {
                    long offset = Long.parseLong(header(record, "dead-letter-offset"));
                    assertThat(header(record, "dead-letter-reason")).as("offset " + offset)
                            .contains(deadLetterReasonByOffset.get(offset));
                    assertThat(record.headers().headers("dead-letter-reason")).as("one reason, ours").hasSize(1);
                    assertThat(record.headers().headers("dead-letter-offset")).hasSize(1);
                }
                ConsumerRecord<byte[], byte[]> hugeDead = dead.stream()
                        .filter(r -> Arrays.equals(r.key(), bytes(hugeKey))).findFirst().orElseThrow();
                assertThat(header(hugeDead, "dead-letter-truncated")).contains("value cut from " + huge.length);
                assertThat(hugeDead.value().length).isLessThan(huge.length);
                ConsumerRecord<byte[], byte[]> hugeKeyDead = dead.stream()
                        .filter(r -> r.key() != null && r.key().length > 0 && r.key()[0] == 'k').findFirst()
                        .orElseThrow();
                assertThat(header(hugeKeyDead, "dead-letter-truncated")).contains("key cut from "
                        + hugeKeyBytes.length + " to 1024 bytes");

                assertThat(worker.httpStatus("/q/health/ready")).isEqualTo(200);
                assertThat(worker.httpStatus("/q/health/live")).isEqualTo(200);
                for (String c : healthy) {
                    JsonObject analysis = kafka.values(run.topic("out"), c).get(0);
                    assertThat(analysis.getString("status")).isEqualTo("ok");
                    assertThat(analysis.getInteger("messageCount")).isEqualTo(1);
                }
                assertThat(WorkerProcess.metric(worker.metrics(), "cw_dead_letters_total{reason=\"unwritable\"}"))
                        .isZero();
                System.out.printf("[poison] %d hostile records dead-lettered, %d conversations behind them analysed%n",
                        dead.size(), processed.size());
            }
        }
    }

    private static void send(KafkaTestClient kafka, String conversation, JsonObject event, Header... headers) {
        kafka.send(0, bytes(conversation), bytes(event), List.of(headers));
    }

    private static Header kafkaHeader(String name, String value) {
        return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(JsonObject event) {
        return bytes(event.encode());
    }
}
