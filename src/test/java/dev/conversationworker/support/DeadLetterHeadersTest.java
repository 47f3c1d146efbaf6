package dev.conversationworker.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.StreamSupport;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** What a consumer of either dead-letter topic reads: the original headers, then ours, none of them forged. */
class DeadLetterHeadersTest {

    @Test
    void forgedDeadLetterHeadersAreDroppedInAnyCaseAndOursFollowTheOriginals() {
        List<Header> original = List.of(header("traceparent", "00-abc-def-01"), header("dead-letter-reason", "forged"),
                header("Dead-Letter-Topic", "forged"), header("DEAD-LETTER-OFFSET", "forged"),
                header("dEaD-lEtTeR-space", "forged"), header("dead-letters-are-fine", "kept"),
                header("severity", "high"));

        RecordHeaders headers = DeadLetterHeaders.keeping(original).add("reason", "Google Chat rejected the message")
                .add("topic", "oncall-notifications").build();

        assertThat(StreamSupport.stream(headers.spliterator(), false).map(h -> h.key() + "=" + value(h)))
                .containsExactly("traceparent=00-abc-def-01", "dead-letters-are-fine=kept", "severity=high",
                        "dead-letter-reason=Google Chat rejected the message",
                        "dead-letter-topic=oncall-notifications");
    }

    @Test
    void withoutOriginalsCarriesOursOnly() {
        RecordHeaders headers = DeadLetterHeaders.withoutOriginals().add("offset", "7").build();
        assertThat(StreamSupport.stream(headers.spliterator(), false).map(Header::key))
                .containsExactly("dead-letter-offset");
    }

    private static Header header(String key, String value) {
        return new RecordHeader(key, value.getBytes(StandardCharsets.UTF_8));
    }

    private static String value(Header header) {
        return new String(header.value(), StandardCharsets.UTF_8);
    }
}
