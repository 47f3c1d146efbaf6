package dev.conversationworker.ingest;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

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
    static final String PREFIX = "dead-letter-";
    /** Values tried after the whole record was too large: half a MiB, 64 KiB, then nothing but the headers. */
    private static final int[] TRUNCATED_SIZES = {512 * 1024, 64 * 1024, 0};

    @Inject
    @Channel(CHANNEL)
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096)
    MutinyEmitter<byte[]> emitter;

    /** Completes once Kafka has accepted the dead letter (acks=all). */
    public Uni<Void> write(IncomingKafkaRecordMetadata<?, ?> source, byte[] value, Throwable reason) {
        return attempt(source, value, reason, -1);
    }

    private Uni<Void> attempt(IncomingKafkaRecordMetadata<?, ?> source, byte[] value, Throwable reason, int step) {
        byte[] sent = step < 0 || value == null
                ? value
                : Arrays.copyOf(value, Math.min(value.length,
                        TRUNCATED_SIZES[step]));
        RecordHeaders headers = headers(source, reason);
        if (sent != value) {
            headers.add(PREFIX + "truncated", ("value cut from " + value.length + " to " + sent.length
                    + " bytes: the whole record was larger than the dead-letter topic accepts")
                    .getBytes(StandardCharsets.UTF_8));
        }
        byte[] key = (byte[]) source.getKey();
        return emitter.sendMessage(Message.of(sent).addMetadata(OutgoingKafkaRecordMetadata.<byte[]>builder()
                .withKey(key).withHeaders(headers).build()))
                .onFailure(failure -> isTooLarge(failure) && value != null && step + 1 < TRUNCATED_SIZES.length)
                .recoverWithUni(() -> attempt(source, value, reason, step + 1));
    }

    /**
     * The original headers without any {@code dead-letter-*} one (a producer could forge them: a consumer of the
     * dead-letter topic must be able to trust these), then ours.
     */
    static RecordHeaders headers(IncomingKafkaRecordMetadata<?, ?> source, Throwable reason) {
        RecordHeaders headers = new RecordHeaders();
        if (source.getHeaders() != null) {
            for (Header header : source.getHeaders()) {
                if (!header.key().regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
                    headers.add(header);
                }
            }
        }
        add(headers, "exception-class-name", reason.getClass().getName());
        add(headers, "reason", reason.getMessage() == null ? reason.toString() : reason.getMessage());
        if (reason.getCause() != null) {
            add(headers, "cause-class-name", reason.getCause().getClass().getName());
            add(headers, "cause", String.valueOf(reason.getCause().getMessage()));
        }
        add(headers, "topic", source.getTopic());
        add(headers, "partition", Integer.toString(source.getPartition()));
        add(headers, "offset", Long.toString(source.getOffset()));
        return headers;
    }

    private static void add(RecordHeaders headers, String name, String value) {
        headers.add(PREFIX + name, value.getBytes(StandardCharsets.UTF_8));
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
