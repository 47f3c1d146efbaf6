package dev.conversationworker.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonObject;

import dev.conversationworker.ingest.ChatEvent;
import dev.conversationworker.ingest.ChatEventParser;
import dev.conversationworker.ingest.InvalidEventException;
import dev.conversationworker.testsupport.Events;
import dev.conversationworker.testsupport.KafkaTestClient;
import dev.conversationworker.testsupport.WithLlm;

/**
 * Thousands of mutated records through the running worker: nothing crashes or stalls; every valid event has its
 * effect, every invalid one is dead-lettered with a reason. All records share one key, so they stay in order in one
 * partition and a final sentinel conversation proves everything before it was handled.
 */
@QuarkusTest
@TestProfile(WithLlm.class)
class HostileInputTest {

    private static final int CASES = 3000;
    private final KafkaTestClient kafka = KafkaTestClient.get();
    private final ChatEventParser oracle = new ChatEventParser(true, 512);

    @Test
    void mutatedEventsAreEitherProcessedOrDeadLetteredAndNothingStalls() {
        Random random = new Random(20261124);
        String key = "fuzz-" + System.nanoTime();
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        int invalid = 0;
        List<ChatEvent> validTriggers = new ArrayList<>();
        for (int i = 0; i < CASES; i++) {
            byte[] value = mutate(random, key + "-" + i);
            try {
                ChatEvent event = oracle.parse(value);
                if (event.type().triggersAnalysis()) {
                    validTriggers.add(event);
                }
            } catch (InvalidEventException e) {
                invalid++;
            }
            kafka.sendAsync(keyBytes, value, 0);
        }
        // A 10,000-message conversation and texts near the broker's record limit, same key, same partition.
        String longConversation = key + "-long";
        for (int m = 0; m < 10_000; m++) {
            kafka.sendAsync(keyBytes,
                    Events.message(longConversation + "-m" + m, longConversation, "user", "message " + m)
                            .encode().getBytes(StandardCharsets.UTF_8),
                    0);
        }
        kafka.sendAsync(keyBytes, Events.message(longConversation + "-huge", longConversation, "user",
                "Tôi cần hỗ trợ 😀 ".repeat(35_000)).encode().getBytes(StandardCharsets.UTF_8), 0);
        kafka.sendAsync(keyBytes, Events.closed(longConversation + "-close", longConversation).encode()
                .getBytes(StandardCharsets.UTF_8), 0);
        String sentinel = key + "-sentinel";
        kafka.sendAsync(keyBytes, Events.analysisRequested(sentinel + "-req", sentinel).encode()
                .getBytes(StandardCharsets.UTF_8), 0);

        kafka.flush();
        await().atMost(Duration.ofMinutes(3)).until(() -> !kafka.records("conversation-analyses", sentinel)
                .isEmpty());
        List<ConsumerRecord<byte[], byte[]>> dead = kafka.records("chat-events-dlq",
                r -> r.key() != null && Arrays.equals(r.key(), keyBytes));
        assertThat(dead).hasSize(invalid);
        assertThat(dead).allSatisfy(r -> assertThat(KafkaTestClient.header(r, "dead-letter-reason")).isNotBlank());
        for (ChatEvent trigger : validTriggers) {
            assertThat(kafka.values("conversation-analyses", trigger.conversationId()))
                    .as("analysis of valid trigger %s", trigger.eventId())
                    .anySatisfy(a -> assertThat(a.getString("triggerEventId")).isEqualTo(trigger.eventId()));
        }
        JsonObject longAnalysis = kafka.values("conversation-analyses", longConversation).get(0);
        assertThat(longAnalysis.getInteger("messageCount")).isEqualTo(200);
        assertThat(longAnalysis.getBoolean("truncated")).isTrue();
        System.out.printf("[fuzz] %d mutated records: %d dead-lettered, %d valid triggers analysed%n", CASES,
                invalid, validTriggers.size());
    }

    /** A valid event of a random kind, then none, one or a few mutations of its JSON or bytes. */
    private static byte[] mutate(Random random, String id) {
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
        String json = event.encode();
        switch (random.nextInt(14)) {
            // Edits of the text.
            case 0 -> json = json.substring(0, random.nextInt(json.length()));
            case 1 -> json = "{\"eventId\": \"dup\", " + json.substring(1);
            case 2 -> json = "[" + json + "]";
            case 3 -> {
                byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
                bytes[random.nextInt(bytes.length)] = (byte) (0x80 + random.nextInt(0x40));
                return bytes;
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
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private static String pick(Random random, JsonObject event) {
        List<String> names = new ArrayList<>(event.fieldNames());
        return names.get(random.nextInt(names.size()));
    }
}
