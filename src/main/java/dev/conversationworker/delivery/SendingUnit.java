package dev.conversationworker.delivery;

import java.util.List;

/**
 * One message as it is POSTed, whole: what is needed to send exactly it again (a retry, or a resume by the next
 * holder of its records after a crash), and every dedupe-key it settles, including those of records held elsewhere.
 *
 * @param dedupeKeys distinct, in the order of the message
 * @param digest whether it is a digest (a rejected digest is split into single messages)
 */
record SendingUnit(String requestId, String body, List<String> dedupeKeys, boolean digest) {

    SendingUnit {
        dedupeKeys = List.copyOf(new java.util.LinkedHashSet<>(dedupeKeys));
    }
}
