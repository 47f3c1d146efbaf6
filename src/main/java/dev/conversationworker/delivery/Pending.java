package dev.conversationworker.delivery;

import java.time.Instant;
import java.util.Comparator;

import org.eclipse.microprofile.reactive.messaging.Message;

import dev.conversationworker.model.Severity;

/**
 * A record of the notifications topic waiting for delivery, unacknowledged until Google accepted its message (or a
 * digest containing it), or it was dead-lettered.
 *
 * @param body the Google Chat message, as the record carries it
 * @param conversationId the record's key
 * @param individually set when a digest containing it was refused: it is then sent on its own
 * @param resumes the message begun for it earlier (by this instance, or by one that died during the POST), to be
 *        sent again exactly, whatever would be composed now; null when none is
 */
record Pending(Message<?> record, String body, String dedupeKey, Severity severity, String kind,
        String conversationId, Instant timestamp, boolean individually, SendingUnit resumes) {

    /** Most severe first, then oldest first. */
    static final Comparator<Pending> MOST_SEVERE_FIRST = Comparator.comparing(Pending::severity).reversed()
            .thenComparing(Pending::timestamp);

    /** On its own, and no longer part of the (refused) message it was in. */
    Pending alone() {
        return new Pending(record, body, dedupeKey, severity, kind, conversationId, timestamp, true, null);
    }

    Pending resuming(SendingUnit unit) {
        return new Pending(record, body, dedupeKey, severity, kind, conversationId, timestamp, individually, unit);
    }
}
