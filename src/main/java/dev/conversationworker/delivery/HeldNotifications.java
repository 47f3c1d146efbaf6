package dev.conversationworker.delivery;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The notifications of one space held in memory while this instance holds its lease (at most
 * {@code delivery.max-held}, {@code delivery.max-held-bytes}; the rest wait in Redis), oldest first, and the choice
 * of the next message to send from them. Touched by one delivery step at a time; its sizes are also read by other
 * threads (metrics, tests) through {@link #records()} and {@link #bytesSeen()}.
 */
final class HeldNotifications {

    private final List<Pending> waiting = new ArrayList<>();
    private long bytes;
    private long loadedUpTo;
    private volatile int records;
    private volatile long bytesSeen;

    boolean isEmpty() {
        return waiting.isEmpty();
    }

    int size() {
        return waiting.size();
    }

    long bytes() {
        return bytes;
    }

    /** The sequence number of the last notification loaded from Redis, 0 when none. */
    long loadedUpTo() {
        return loadedUpTo;
    }

    void loadedUpTo(long upTo) {
        loadedUpTo = upTo;
    }

    /** Held now, as seen from any thread. */
    int records() {
        return records;
    }

    /** Their bytes, as seen from any thread. */
    long bytesSeen() {
        return bytesSeen;
    }

    /** The notifications loaded, each carrying the message begun for it before, if one is not settled. */
    void hold(List<Pending> fresh, Map<String, SendingUnit> begun, long upTo) {
        for (Pending p : fresh) {
            SendingUnit unit = begun.get(p.dedupeKey());
            waiting.add(unit == null ? p : p.resuming(unit));
            bytes += p.size();
        }
        loadedUpTo = upTo;
        observe();
    }

    /** The notifications a message begun elsewhere names go in it, as it was. */
    void resuming(SendingUnit other) {
        Set<String> keys = new HashSet<>(other.dedupeKeys());
        waiting.replaceAll(p -> keys.contains(p.dedupeKey()) ? p.resuming(other) : p);
    }

    /** Settled: out of memory. */
    void settled(Collection<String> dedupeKeys) {
        Set<String> keys = new HashSet<>(dedupeKeys);
        for (Iterator<Pending> it = waiting.iterator(); it.hasNext();) {
            Pending p = it.next();
            if (keys.contains(p.dedupeKey())) {
                bytes -= p.size();
                it.remove();
            }
        }
        observe();
    }

    /** A digest never created: these are composed alone from now on. */
    void alone(Collection<String> dedupeKeys) {
        Set<String> keys = new HashSet<>(dedupeKeys);
        waiting.replaceAll(p -> keys.contains(p.dedupeKey()) ? p.alone() : p);
    }

    /** Nothing held in memory any more: what waits is in Redis. */
    void clear() {
        waiting.clear();
        bytes = 0;
        loadedUpTo = 0;
        observe();
    }

    /**
     * One begun before, if a waiting notification carries one (with every waiting notification it covers); else
     * the oldest notification, or a digest of the most severe when the backlog would take longer than
     * {@code delivery.max-delay}. Null when nothing waits.
     *
     * @param backlog the space's notifications waiting in Redis
     */
    OutgoingMessage next(Pace pace, long backlog) {
        if (waiting.isEmpty()) {
            return null;
        }
        for (Pending p : waiting) {
            if (p.resumes() != null) {
                Set<String> keys = new HashSet<>(p.resumes().dedupeKeys());
                return new OutgoingMessage(waiting.stream().filter(w -> keys.contains(w.dedupeKey())).toList(),
                        p.resumes(), true);
            }
        }
        Pending head = waiting.get(0);
        int queued = (int) Math.min(Integer.MAX_VALUE, Math.max(backlog, waiting.size()));
        if (head.individually() || !pace.digestNow(queued)) {
            return new OutgoingMessage(List.of(head), new SendingUnit(RequestIds.of(head.dedupeKey()), head.body(),
                    List.of(head.dedupeKey()), false), false);
        }
        List<Pending> candidates = waiting.stream().filter(p -> !p.individually())
                .sorted(Pending.MOST_SEVERE_FIRST).toList();
        DigestBuilder.Digest digest = DigestBuilder.build(candidates);
        return new OutgoingMessage(digest.covered(), new SendingUnit(digest.requestId(), digest.body(),
                digest.covered().stream().map(Pending::dedupeKey).toList(), true), false);
    }

    private void observe() {
        records = waiting.size();
        bytesSeen = bytes;
    }
}
