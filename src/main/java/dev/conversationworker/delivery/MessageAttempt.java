package dev.conversationworker.delivery;

/** The message being sent to a space, and what its attempts have met. */
final class MessageAttempt {

    final OutgoingMessage unit;
    /** 5xx, 408, timeouts and I/O failures in a row. */
    int failures;
    String lastFailure = "";
    /** Google's last HTTP status, 0 when there was no answer. */
    int lastStatus;
    /** The next POST is the check of the space (an empty message), not the message. */
    boolean checkDue;
    /**
     * The space answered the check: the message gets one more try before it is blamed, since an outage that ended
     * just before the check would otherwise dead-letter a message that was never at fault.
     */
    boolean lastChance;
    /** Settled by Google (accepted) or by us (dead-lettered): only its settling in Redis is left. */
    boolean settleOnly;

    MessageAttempt(OutgoingMessage unit) {
        this.unit = unit;
    }
}
