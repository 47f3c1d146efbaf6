package dev.conversationworker.support;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The one policy for the headers of a dead letter, whichever stage writes it: the original record's headers
 * without any {@code dead-letter-*} one, in any case (a producer could forge them, and a consumer of a dead-letter
 * topic must be able to trust these), then ours, each named {@code dead-letter-<name>}, UTF-8.
 */
public final class DeadLetterHeaders {

    public static final String PREFIX = "dead-letter-";

    private final RecordHeaders headers = new RecordHeaders();

    private DeadLetterHeaders() {
    }

    /** The original headers, forged {@code dead-letter-*} ones left out; ours follow. */
    public static DeadLetterHeaders keeping(Iterable<Header> original) {
        DeadLetterHeaders letter = new DeadLetterHeaders();
        if (original != null) {
            for (Header header : original) {
                if (!isOurs(header.key())) {
                    letter.headers.add(header);
                }
            }
        }
        return letter;
    }

    /** Ours only: the original headers left out (a dead letter too large with them). */
    public static DeadLetterHeaders withoutOriginals() {
        return new DeadLetterHeaders();
    }

    /** Adds {@code dead-letter-<name>}. */
    public DeadLetterHeaders add(String name, String value) {
        headers.add(PREFIX + name, value.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    public RecordHeaders build() {
        return headers;
    }

    /** Whether a header's name is one of the dead-letter headers, in any case. */
    static boolean isOurs(String name) {
        return name.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
    }
}
