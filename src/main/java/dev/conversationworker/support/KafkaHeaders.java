package dev.conversationworker.support;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.header.internals.RecordHeaders;

/** UTF-8 string headers for an outgoing record. */
public final class KafkaHeaders {

    private final RecordHeaders headers = new RecordHeaders();

    public KafkaHeaders add(String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    public RecordHeaders build() {
        return headers;
    }
}
