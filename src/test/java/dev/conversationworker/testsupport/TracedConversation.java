package dev.conversationworker.testsupport;

import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * A conversation whose records carry a W3C {@code traceparent} of a trace of its own: a message that needs
 * attention, its close, and a record that is not an event, so that an analysis, a notification and a dead letter
 * follow from it.
 */
public record TracedConversation(String conversationId, String traceId) {

    /** The parent span id every input record names. */
    public static final String INPUT_SPAN_ID = "00f067aa0ba902b7";
    /** The topics of the records it causes. */
    public static final List<String> OUTPUT_TOPICS = List.of("conversation-analyses", "oncall-notifications",
            "chat-events-dlq");

    /** Sends its three records and waits until a record of each output topic is there. */
    public static TracedConversation sendAndAwait(KafkaTestClient kafka, String prefix) {
        String traceId = HexFormat.of().formatHex(ByteBuffer.allocate(16).putLong(System.nanoTime())
                .putLong(ThreadLocalRandom.current().nextLong() | 1).array());
        TracedConversation traced = new TracedConversation(Events.newConversationId(prefix), traceId);
        List<Header> headers = List.of(new RecordHeader("traceparent",
                traced.inputTraceparent().getBytes(StandardCharsets.UTF_8)));
        String conversation = traced.conversationId();
        byte[] key = conversation.getBytes(StandardCharsets.UTF_8);
        kafka.send(null, key, Events.message("m-" + conversation, conversation, "user",
                "I was charged twice, this is fraud").encode().getBytes(StandardCharsets.UTF_8), headers);
        kafka.send(null, key, Events.closed("close-" + conversation, conversation).encode()
                .getBytes(StandardCharsets.UTF_8), headers);
        // Dead-lettered: off the input contract on purpose.
        kafka.unchecked().send(null, key, "{\"not\": \"an event\"}".getBytes(StandardCharsets.UTF_8), headers);
        await().atMost(Duration.ofSeconds(20)).until(() -> OUTPUT_TOPICS.stream()
                .noneMatch(topic -> kafka.records(topic, conversation).isEmpty()));
        return traced;
    }

    public String inputTraceparent() {
        return "00-" + traceId + "-" + INPUT_SPAN_ID + "-01";
    }

    /** The first record it caused on {@code topic}. */
    public ConsumerRecord<byte[], byte[]> output(KafkaTestClient kafka, String topic) {
        return kafka.records(topic, conversationId).get(0);
    }
}
