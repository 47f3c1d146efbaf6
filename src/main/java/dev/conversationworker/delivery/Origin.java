package dev.conversationworker.delivery;

import java.util.List;

import org.apache.kafka.common.header.Header;

/**
 * Where a notification came from: its record's topic, partition, offset and headers, kept with it while it waits
 * in Redis so that a dead letter still says where it came from and carries its headers.
 */
record Origin(String topic, int partition, long offset, List<Header> headers) {

    Origin {
        headers = List.copyOf(headers);
    }
}
