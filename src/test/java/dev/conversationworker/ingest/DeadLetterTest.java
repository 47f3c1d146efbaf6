package dev.conversationworker.ingest;

import static dev.conversationworker.testsupport.KafkaTestClient.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.conversationworker.model.InvalidEventException;
import dev.conversationworker.testsupport.Events;
import dev.conversationworker.testsupport.KafkaTestClient;
import dev.conversationworker.testsupport.WithLlm;

/** Every kind of bad input lands in the dead-letter topic, unchanged, with the reason; what follows still flows. */
@QuarkusTest
@TestProfile(WithLlm.class)
class DeadLetterTest {

    private final KafkaTestClient kafka = KafkaTestClient.get();

    @Test
    void eachKindOfBadInputIsDeadLetteredWithItsReasonAndTheRecordsBehindItAreProcessed() {
        String conversation = Events.newConversationId("dlq");
        Map<byte[], String> badValues = new LinkedHashMap<>();
        badValues.put("this is not json".getBytes(StandardCharsets.UTF_8), "not valid JSON");
        badValues.put(new byte[]{'{', '"', (byte) 0xFF, (byte) 0xFE, '"', '}'}, "not valid UTF-8");
        badValues.put(Events.closed("x", conversation).put("type", "message.deleted").encode()
                .getBytes(StandardCharsets.UTF_8), "unknown type");
        badValues.put(Events.message("x", conversation, "user", "hi").putNull("text").encode()
                .getBytes(StandardCharsets.UTF_8), "missing required field 'text'");
        badValues.put(Events.closed("x", conversation).put("conversationId", 42).encode()
                .getBytes(StandardCharsets.UTF_8), "'conversationId' must be a string");
        badValues.put(Events.closed("x", conversation).put("timestamp", "last tuesday").encode()
                .getBytes(StandardCharsets.UTF_8), "ISO-8601");
        badValues.put(new byte[0], "empty record value");

        byte[] key = conversation.getBytes(StandardCharsets.UTF_8);
        Map<Long, String> expectedReasonByOffset = new LinkedHashMap<>();
        int partition = -1;
        for (Map.Entry<byte[], String> bad : badValues.entrySet()) {
            RecordMetadata sent = kafka.unchecked().send(key, bad.getKey(), null); // off the contract on purpose
            partition = sent.partition();
            expectedReasonByOffset.put(sent.offset(), bad.getValue());
        }
        // Good events behind the bad ones, same key, same partition.
        kafka.send(conversation, Events.message("ok-1-" + conversation, conversation, "user", "Still there?").encode());
        kafka.send(conversation, Events.closed("ok-close-" + conversation, conversation).encode());

        await().atMost(Duration.ofSeconds(20))
                .until(() -> kafka.records("chat-events-dlq", conversation).size() == badValues.size()
                        && kafka.records("conversation-analyses", conversation).size() == 1);

        List<ConsumerRecord<byte[], byte[]>> dead = kafka.records("chat-events-dlq", conversation);
        List<byte[]> sentValues = List.copyOf(badValues.keySet());
        for (int i = 0; i < dead.size(); i++) {
            ConsumerRecord<byte[], byte[]> record = dead.get(i);
            long offset = Long.parseLong(header(record, "dead-letter-offset"));
            assertThat(header(record, "dead-letter-reason")).contains(expectedReasonByOffset.get(offset));
            assertThat(header(record, "dead-letter-exception-class-name"))
                    .isEqualTo(InvalidEventException.class.getName());
            assertThat(header(record, "dead-letter-topic")).isEqualTo("chat-events");
            assertThat(header(record, "dead-letter-partition")).isEqualTo(Integer.toString(partition));
            assertThat(record.key()).isEqualTo(key);
            assertThat(sentValues).anySatisfy(v -> assertThat(Arrays.equals(v, record.value())).isTrue());
        }
        assertThat(dead).extracting(r -> Long.parseLong(header(r, "dead-letter-offset")))
                .containsExactlyInAnyOrderElementsOf(expectedReasonByOffset.keySet());
        assertThat(kafka.values("conversation-analyses", conversation).get(0).getInteger("messageCount"))
                .isEqualTo(1);
    }

    @Test
    void aRecordWithoutKeyIsStillValidatedAndDeadLettered() {
        String marker = "no-key-" + System.nanoTime();
        kafka.unchecked().send(null, ("{\"broken\": \"" + marker + "\"").getBytes(StandardCharsets.UTF_8), 0);
        await().atMost(Duration.ofSeconds(20)).until(() -> !kafka.records("chat-events-dlq",
                r -> r.key() == null && new String(r.value(), StandardCharsets.UTF_8).contains(marker)).isEmpty());
    }
}
