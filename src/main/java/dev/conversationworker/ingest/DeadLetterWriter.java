package dev.conversationworker.ingest;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

import dev.conversationworker.ops.TopicsConfig;
import dev.conversationworker.ops.Traces;
import dev.conversationworker.support.DeadLetterHeaders;

/**
 * Writes a record that can never be processed to the dead-letter topic: the original key, value and headers, and
 * {@code dead-letter-*} headers that say why and where it came from. Our own rather than SmallRye's
 * dead-letter-queue strategy, because that one copies a producer's forged {@code dead-letter-*} headers beside
 * ours and, when the record plus headers exceeds a size limit, fails the nack and leaves the record neither
 * acknowledged nor retried. Here a record too large for the topic is written again as a truncated copy (saying
 * so in {@code dead-letter-truncated}), smaller each time down to an empty value; every other failure is returned
 * to the caller, which retries it as transient (Kafka unavailable or refusing).
 */
@ApplicationScoped
public class DeadLetterWriter {

    public static final String CHANNEL = "dead-letters";
    /**
     * What is tried after the whole record was too large: the value cut to half a MiB, to 64 KiB, to nothing; last,
     * also without the original headers and with the key cut to 1 KiB (a record can be large in its key or headers
     * too).
     */
    private static final int[] VALUE_SIZES = {512 * 1024, 64 * 1024, 0, 0};
    private static final int LAST_STEP = VALUE_SIZES.length - 1;
    private static final int CUT_KEY_SIZE = 1024;

    @Inject
    @Channel(CHANNEL)
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096)
    MutinyEmitter<byte[]> emitter;

    @Inject
    Traces traces;

    @Inject
    TopicsConfig topics;

    /**
     * Completes once Kafka has accepted the dead letter (acks=all). Fails with {@link DeadLetterTooLargeException}
     * when not even the smallest copy fits the topic, and with Kafka's failure for anything else.
     */
    public Uni<Void> write(IncomingKafkaRecordMetadata<?, ?> source, byte[] value, Throwable reason, Context trace) {
        return attempt(source, value, reason, -1, trace);
    }

    private Uni<Void> attempt(IncomingKafkaRecordMetadata<?, ?> source, byte[] value, Throwable reason, int step,
            Context trace) {
        ProducerRecord<byte[], byte[]> letter = letter(source, value, reason, step);
        return emitter.sendMessage(traces.carry(Message.of(letter.value())
                .addMetadata(OutgoingKafkaRecordMetadata.<byte[]>builder().withKey(letter.key())
                        .withHeaders(letter.headers()).build()),
                trace))
                .onFailure(DeadLetterWriter::isTooLarge).recoverWithUni(failure -> step < LAST_STEP
                        ? attempt(source, value, reason, step + 1, trace)
                        : Uni.createFrom().failure(new DeadLetterTooLargeException(failure)));
    }

    /**
     * Exactly-once mode: the dead letter as an outbox, to be committed with its record's offset; refused as too
     * large, it is replaced by the next smaller copy, and by nothing after the smallest.
     */
    Outbox outbox(IncomingKafkaRecordMetadata<?, ?> source, byte[] value, Throwable reason, Context trace) {
        // Cut before sending to what a topic of Kafka's default max.message.bytes takes: a refusal fails the whole
        // transaction, and costs an abort and a new producer.
        int step = -1;
        while (step < LAST_STEP && bytes(letter(source, value, reason, step)) > SURELY_ACCEPTED_BYTES) {
            step++;
        }
        return outbox(source, value, reason, step, trace);
    }

    /** Below Kafka's default {@code max.message.bytes} (1,048,588), with room for the batch's own overhead. */
    private static final int SURELY_ACCEPTED_BYTES = 1_000_000;

    private static long bytes(ProducerRecord<byte[], byte[]> letter) {
        long bytes = (letter.key() == null ? 0 : letter.key().length)
                + (letter.value() == null ? 0 : letter.value().length);
        for (org.apache.kafka.common.header.Header header : letter.headers()) {
            bytes += header.key().length() + (header.value() == null ? 0 : header.value().length);
        }
        return bytes;
    }

    private Outbox outbox(IncomingKafkaRecordMetadata<?, ?> source, byte[] value, Throwable reason, int step,
            Context trace) {
        ProducerRecord<byte[], byte[]> letter = letter(source, value, reason, step);
        traces.inject(trace, letter.headers());
        return new Outbox().send(letter).orElse(refusal -> step < LAST_STEP && isTooLarge(refusal)
                ? outbox(source, value, reason, step + 1, trace)
                : null);
    }

    /** The dead letter at a step of cutting: -1 whole, then each of {@link #VALUE_SIZES}. */
    private ProducerRecord<byte[], byte[]> letter(IncomingKafkaRecordMetadata<?, ?> source, byte[] value,
            Throwable reason, int step) {
        byte[] key = (byte[]) source.getKey();
        byte[] sentValue = value;
        byte[] sentKey = key;
        RecordHeaders headers = step == LAST_STEP ? ourHeaders(source, reason) : headers(source, reason);
        if (step >= 0) {
            sentValue = value == null ? null : Arrays.copyOf(value, Math.min(value.length, VALUE_SIZES[step]));
            StringBuilder cut = new StringBuilder("the whole record was larger than the dead-letter topic accepts: ");
            cut.append("value cut from ").append(value == null ? 0 : value.length).append(" to ")
                    .append(sentValue == null ? 0 : sentValue.length).append(" bytes");
            if (step == LAST_STEP) {
                sentKey = key == null ? null : Arrays.copyOf(key, Math.min(key.length, CUT_KEY_SIZE));
                cut.append(", key cut from ").append(key == null ? 0 : key.length).append(" to ")
                        .append(sentKey == null ? 0 : sentKey.length).append(" bytes, original headers left out");
            }
            headers.add(DeadLetterHeaders.PREFIX + "truncated", cut.toString().getBytes(StandardCharsets.UTF_8));
        }
        return new ProducerRecord<>(topics.deadLetter(), null, sentKey, sentValue, headers);
    }

    /** Not even the dead letter cut to its headers fits the dead-letter topic. */
    public static final class DeadLetterTooLargeException extends RuntimeException {

        DeadLetterTooLargeException(Throwable cause) {
            super("not even a cut copy fits the dead-letter topic", cause, false, false);
        }
    }

    /** The original headers, forged {@code dead-letter-*} ones left out, then ours ({@link DeadLetterHeaders}). */
    static RecordHeaders headers(IncomingKafkaRecordMetadata<?, ?> source, Throwable reason) {
        return addOurs(source, reason, DeadLetterHeaders.keeping(source.getHeaders()));
    }

    private static RecordHeaders ourHeaders(IncomingKafkaRecordMetadata<?, ?> source, Throwable reason) {
        return addOurs(source, reason, DeadLetterHeaders.withoutOriginals());
    }

    private static RecordHeaders addOurs(IncomingKafkaRecordMetadata<?, ?> source, Throwable reason,
            DeadLetterHeaders headers) {
        headers.add("exception-class-name", reason.getClass().getName())
                .add("reason", reason.getMessage() == null ? reason.toString() : reason.getMessage());
        if (reason.getCause() != null) {
            headers.add("cause-class-name", reason.getCause().getClass().getName())
                    .add("cause", String.valueOf(reason.getCause().getMessage()));
        }
        return headers.add("topic", source.getTopic()).add("partition", Integer.toString(source.getPartition()))
                .add("offset", Long.toString(source.getOffset())).build();
    }

    private static boolean isTooLarge(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RecordTooLargeException || t instanceof RecordBatchTooLargeException) {
                return true;
            }
        }
        return false;
    }
}
