package dev.conversationworker.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.vertx.core.json.JsonObject;

import dev.conversationworker.ingest.ChatEventParser;
import dev.conversationworker.model.ChatEvent;
import dev.conversationworker.model.InvalidEventException;
import dev.conversationworker.testsupport.Events;
import dev.conversationworker.testsupport.Infrastructure;
import dev.conversationworker.testsupport.IsolatedRun;
import dev.conversationworker.testsupport.KafkaTestClient;
import dev.conversationworker.testsupport.WorkerHeap;
import dev.conversationworker.testsupport.WorkerProcess;

/**
 * Thousands of mutated records through the packaged worker, in a heap smaller than the input: nothing crashes or
 * stalls; every valid event has its effect, every invalid one is dead-lettered with a reason; memory stays within
 * its bounds. The mutated records go to one partition, each keyed by the conversation it was made for (a mutation
 * of its {@code conversationId} then makes it invalid); the large records come on many keys at once, so that
 * only the worker's byte budget keeps them from piling up in memory together.
 */
@Tag("faults")
class HostileInputIT {

    private static final int CASES = 3000;
    private static final int LARGE_CONVERSATIONS = 100;
    private static final int LARGE_MESSAGES = 3;
    private static final String HEAP = "256m";
    private static final long IN_FLIGHT_BYTES = 16L * 1024 * 1024;
    private final ChatEventParser oracle = new ChatEventParser(true, 512);

    @Test
    void mutatedAndOversizedEventsAreProcessedOrDeadLetteredInABoundedHeap() throws Exception {
        try (IsolatedRun run = new IsolatedRun("hostile", Infrastructure.get().redisHosts(),
                Map.of("WORKER_MAX_IN_FLIGHT_BYTES", Long.toString(IN_FLIGHT_BYTES)))) {
            KafkaTestClient kafka = run.kafka();
            Random random = new Random(20261124);
            String key = "fuzz-" + System.nanoTime();
            int invalid = 0;
            List<ChatEvent> validTriggers = new ArrayList<>();
            for (int i = 0; i < CASES; i++) {
                Case mutated = mutate(random, key + "-" + i);
                try {
                    ChatEvent event = oracle.parse(mutated.key(), mutated.value());
                    if (event.type().triggersAnalysis()) {
                        validTriggers.add(event);
                    }
                } catch (InvalidEventException e) {
                    invalid++;
                }
                kafka.unchecked().sendAsync(mutated.key(), mutated.value(), 0); // most break the contract
            }
            // A 10,000-message conversation, same partition.
            String longConversation = key + "-long";
            byte[] longKey = longConversation.getBytes(StandardCharsets.UTF_8);
            for (int m = 0; m < 10_000; m++) {
                kafka.sendAsync(longKey, bytes(Events.message(longConversation + "-m" + m, longConversation,
                        "user", "message " + m)), 0);
            }
            kafka.sendAsync(longKey, bytes(Events.closed(longConversation + "-close", longConversation)), 0);
            // Texts near the broker's record limit (1 MB), on many keys: 300 of them, more than the heap.
            String hugeText = "Tôi cần hỗ trợ 😀 ".repeat(35_000);
            List<String> large = new ArrayList<>();
            long largeBytes = 0;
            for (int c = 0; c < LARGE_CONVERSATIONS; c++) {
                String conversation = key + "-large-" + c;
                large.add(conversation);
                for (int m = 0; m < LARGE_MESSAGES; m++) {
                    byte[] value = bytes(Events.message(conversation + "-m" + m, conversation, "user", hugeText));
                    largeBytes += value.length;
                    kafka.sendAsync(conversation.getBytes(StandardCharsets.UTF_8), value, null);
                }
                kafka.sendAsync(conversation.getBytes(StandardCharsets.UTF_8),
                        bytes(Events.closed(conversation + "-close", conversation)), null);
            }
            String sentinel = key + "-sentinel";
            kafka.sendAsync(sentinel.getBytes(StandardCharsets.UTF_8),
                    bytes(Events.analysisRequested(sentinel + "-req", sentinel)), 0);
            kafka.flush();

            // The worker dies at its first OutOfMemoryError: surviving is the proof the heap sufficed.
            WorkerProcess worker = run.startWorker(List.of("-Xmx" + HEAP, "-XX:+ExitOnOutOfMemoryError"));
            try {
                double peakHeapMib = 0;
                double peakLiveMib = 0;
                Instant nextLiveSample = Instant.now();
                Instant deadline = Instant.now().plus(Duration.ofMinutes(4));
                int expectedDeadLetters = invalid;
                List<String> analysedAtLast = new ArrayList<>(large);
                analysedAtLast.add(longConversation);
                while (Instant.now().isBefore(deadline) && !(done(kafka, run, sentinel)
                        && run.allAnalysed(analysedAtLast)
                        && kafka.records(run.topic("dlq")).size() >= expectedDeadLetters
                        && allAnalysed(kafka, run, validTriggers))) {
                    assertThat(worker.alive()).as("the worker is alive; see " + worker.log()).isTrue();
                    peakHeapMib = Math.max(peakHeapMib, sampleMib(worker, "jvm_memory_used_bytes{area=\"heap\""));
                    if (Instant.now().isAfter(nextLiveSample)) {
                        peakLiveMib = Math.max(peakLiveMib, liveMib(worker));
                        nextLiveSample = Instant.now().plusSeconds(2);
                    }
                    Thread.sleep(250);
                }
                assertThat(done(kafka, run, sentinel)).as("the sentinel was analysed: nothing stalled").isTrue();
                assertThat(run.allAnalysed(analysedAtLast)).as("every large conversation and the long one analysed")
                        .isTrue();

                List<ConsumerRecord<byte[], byte[]>> dead = kafka.records(run.topic("dlq"));
                assertThat(dead).hasSize(invalid);
                assertThat(dead).allSatisfy(r -> assertThat(KafkaTestClient.header(r, "dead-letter-reason"))
                        .isNotBlank());
                for (ChatEvent trigger : validTriggers) {
                    assertThat(kafka.values(run.topic("out"), trigger.conversationId()))
                            .as("analysis of valid trigger %s", trigger.eventId())
                            .anySatisfy(a -> assertThat(a.getString("triggerEventId")).isEqualTo(trigger.eventId()));
                }
                assertThat(kafka.values(run.topic("out"), longConversation).get(0).getInteger("messageCount"))
                        .as("history.max-messages").isEqualTo(200);
                JsonObject largeAnalysis = kafka.values(run.topic("out"), large.get(0)).get(0);
                assertThat(largeAnalysis.getInteger("messageCount")).isEqualTo(LARGE_MESSAGES);
                assertThat(largeAnalysis.getBoolean("truncated")).isTrue();

                String metrics = worker.metrics();
                double peakInFlightMib = WorkerProcess.metric(metrics, "cw_events_in_flight_bytes_peak ") / MIB;
                assertThat(peakInFlightMib).as("record bytes in flight at once, MiB")
                        .isLessThanOrEqualTo(IN_FLIGHT_BYTES / MIB);
                // At most 100 queued records (≈ 90 MiB of these), 16 MiB in flight and their parsed copies, and the
                // worker's own ≈ 40 MiB: well below the heap, however much more input waits in Kafka.
                assertThat(peakLiveMib).as("heap still in use after a full collection, MiB").isPositive()
                        .isLessThan(200);
                assertThat(worker.alive()).isTrue();
                assertThat(Files.readString(worker.log())).doesNotContain("OutOfMemoryError")
                        .doesNotContain("has been blocked for");
                double rss = worker.peakRssMib();
                System.out.printf("[fuzz] %d mutated records: %d dead-lettered, %d valid triggers analysed; %d large "
                        + "records (%.0f MiB) in a %s heap: heap used at most %.0f MiB (live after a full collection at most "
                        + "%.0f MiB), record bytes in flight at most %.1f MiB, peak RSS %.0f MiB%n", CASES, invalid,
                        validTriggers.size(), LARGE_CONVERSATIONS * LARGE_MESSAGES, largeBytes / MIB, HEAP, peakHeapMib,
                        peakLiveMib, peakInFlightMib, rss);
            } finally {
                worker.close();
            }
        }
    }

    private static final double MIB = 1024.0 * 1024.0;

    private static boolean done(KafkaTestClient kafka, IsolatedRun run, String sentinel) {
        return !kafka.records(run.topic("out"), sentinel).isEmpty();
    }

    private static boolean allAnalysed(KafkaTestClient kafka, IsolatedRun run, List<ChatEvent> triggers) {
        return triggers.stream().allMatch(t -> kafka.values(run.topic("out"), t.conversationId()).stream()
                .anyMatch(a -> t.eventId().equals(a.getString("triggerEventId"))));
    }

    private static double sampleMib(WorkerProcess worker, String metricPrefix) {
        try {
            return WorkerProcess.metric(worker.metrics(), metricPrefix) / MIB;
        } catch (IOException | InterruptedException | RuntimeException e) {
            return 0; // busy or between samples: the next one counts
        }
    }

    /**
     * What the heap holds right after a full collection, by jcmd. Not {@code jvm_gc_live_data_size_bytes}: with G1 it
     * is the old regions after any collection, garbage and humongous records included, and it moved from 108 to 246
     * MiB between runs of one build while a full collection found at most ≈ 110 MiB reachable.
     */
    private static double liveMib(WorkerProcess worker) throws InterruptedException {
        double mib = WorkerHeap.afterFullGc(worker.pid()).heapMib();
        return Double.isNaN(mib) ? 0 : mib; // the worker was busy attaching: the next sample counts
    }

    private static byte[] bytes(JsonObject event) {
        return event.encode().getBytes(StandardCharsets.UTF_8);
    }

    private record Case(byte[] key, byte[] value) {
    }

    /**
     * A valid event of a random kind keyed by its conversation, then none, one or a few mutations of its JSON or
     * bytes.
     */
    private static Case mutate(Random random, String id) {
        String conversation = switch (random.nextInt(6)) {
            case 0 -> "{" + id + "}";
            case 1 -> id + "\r\n*3\r\nFLUSHALL";
            case 2 -> id + " " + "x".repeat(random.nextInt(600));
            case 3 -> id + "-đơn-😀";
            default -> id;
        };
        JsonObject event = switch (random.nextInt(3)) {
            case 0 -> Events.message(id + "-e", conversation, "user", "hello <users/all> " + id);
            case 1 -> Events.closed(id + "-e", conversation);
            default -> Events.analysisRequested(id + "-e", conversation);
        };
        byte[] key = conversation.getBytes(StandardCharsets.UTF_8);
        String json = event.encode();
        switch (random.nextInt(14)) {
            // Edits of the text.
            case 0 -> json = json.substring(0, random.nextInt(json.length()));
            case 1 -> json = "{\"eventId\": \"dup\", " + json.substring(1);
            case 2 -> json = "[" + json + "]";
            case 3 -> {
                byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
                bytes[random.nextInt(bytes.length)] = (byte) (0x80 + random.nextInt(0x40));
                return new Case(key, bytes);
            }
            // Edits of the object.
            case 4 -> json = event.putNull(pick(random, event)).encode();
            case 5 -> json = event.put(pick(random, event), random.nextInt()).encode();
            case 6 -> json = event.put("type", "message." + random.nextInt(9)).encode();
            case 7 -> json = event.put("timestamp", "24/11/2026").encode();
            case 8 -> json = event.put("metadata", "[".repeat(random.nextInt(3000))).encode();
            case 9 -> json = event.put("extra", true).encode();
            case 10 -> {
                int depth = random.nextInt(2000);
                json = json.substring(0, json.length() - 1) + ",\"metadata\":" + "{\"n\":".repeat(depth) + "{}"
                        + "}".repeat(depth) + "}";
            }
            case 11 -> {
                event.remove(pick(random, event));
                json = event.encode();
            }
            default -> {
                // left valid
            }
        }
        return new Case(key, json.getBytes(StandardCharsets.UTF_8));
    }

    private static String pick(Random random, JsonObject event) {
        List<String> names = new ArrayList<>(event.fieldNames());
        return names.get(random.nextInt(names.size()));
    }
}
