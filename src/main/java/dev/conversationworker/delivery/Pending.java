package dev.conversationworker.delivery;

import java.time.Instant;
import java.util.Comparator;

import dev.conversationworker.model.Severity;

/**
 * A notification waiting for delivery in its space: parked in Redis until Google accepted its message (or a digest
 * containing it), or it was dead-lettered.
 *
 * @param body the Google Chat message, as the record carries it
 * @param conversationId the record's key
 * @param seq its arrival number in the space's queue (0 before it is parked)
 * @param size the bytes it takes in Redis and in memory (its stored entry)
 * @param individually set when a digest containing it was refused: it is then sent on its own
 * @param resumes the message begun for it earlier (by this instance, or by one that stopped during the POST), to be
 *        sent again exactly, whatever would be composed now; null when none is
 */
record Pending(Origin origin, String body, String dedupeKey, Severity severity, String kind, String conversationId,
        Instant timestamp, long seq, int size, boolean individually, SendingUnit resumes) {

    /** Most severe first, then oldest first. */
    static final Comparator<Pending> MOST_SEVERE_FIRST = Comparator.comparing(Pending::severity).reversed()
            .thenComparing(Pending::timestamp);

    /** On its own, and no longer part of the (refused) message it was in. */
    Pending alone() {
        return new Pending(origin, body, dedupeKey, severity, kind, conversationId, timestamp, seq, size, true, null);
    }

    Pending resuming(SendingUnit unit) {
        return new Pending(origin, body, dedupeKey, severity, kind, conversationId, timestamp, seq, size,
                individually, unit);
    }
}
