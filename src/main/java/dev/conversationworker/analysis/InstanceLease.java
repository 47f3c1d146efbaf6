package dev.conversationworker.analysis;

/**
 * This instance's lease of the fleet's budget: tokens reserved in Redis at once (in one bucket) for many calls,
 * whose worst cases are then taken from it in memory. What a call does not use goes back to the lease; when the lease
 * retires, what it holds beyond its open calls' worst cases goes back to the fleet at once, and its calls still open
 * settle with the fleet directly. Thread-safe (one lock; the work under it is a few additions).
 */
final class InstanceLease {

    private Lease current;

    /** The call's worst case taken from the lease, or null when there is none or it has no room. */
    synchronized TokenBudget.Reservation take(long tokens) {
        if (current == null || current.granted - current.used < tokens) {
            return null;
        }
        current.used += tokens;
        return new TokenBudget.Reservation(current.bucket, tokens, current, current.granted - current.used);
    }

    /** A lease granted in Redis: the current one retires, and the call takes the first tokens of the new one. */
    synchronized TokenBudget.Reservation replace(TokenBudget.Reservation granted, long tokens,
            PendingSettles fleet) {
        retire(fleet);
        current = new Lease(granted.bucket(), granted.tokens());
        return take(tokens);
    }

    /** No more calls take from the lease; what it does not hold for open calls goes to {@code fleet}. */
    synchronized void retire(PendingSettles fleet) {
        if (current != null) {
            fleet.add(current.bucket, current.used - current.granted);
            current.granted = current.used;
            current.retired = true;
            current = null;
        }
    }

    /**
     * A call of a lease is over, {@code change} being what it cost minus what it reserved: back to its lease if
     * that has not retired (true); false when the fleet must be told.
     */
    synchronized boolean settle(Lease of, long change) {
        if (of.retired) {
            return false;
        }
        of.used += change;
        return true;
    }

    /** Tokens reserved in bucket {@code bucket}: {@code used} by the calls it served (worst case, then cost). */
    static final class Lease {

        private final long bucket;
        private long granted;
        private long used;
        private boolean retired;

        private Lease(long bucket, long granted) {
            this.bucket = bucket;
            this.granted = granted;
        }
    }
}
