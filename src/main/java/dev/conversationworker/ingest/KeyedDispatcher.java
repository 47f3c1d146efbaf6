package dev.conversationworker.ingest;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;

/**
 * Runs work of one key strictly in submission order and work of different keys concurrently, with at most
 * {@code maxInFlight} pieces and {@code maxInFlightBytes} of records admitted (running or waiting behind their key)
 * in all; one piece larger than the byte budget is admitted alone, so nothing is refused. {@link #submit} completes when
 * the work is admitted, not when it is done: the caller waits only while the dispatcher is full, which is what
 * stops the consumer fetching. A key has state only while it has work admitted, so memory follows the in-flight
 * bound, not the number of keys ever seen.
 */
final class KeyedDispatcher {

    private final int maxInFlight;
    private final long maxInFlightBytes;
    // All guarded by this.
    private final Map<String, Deque<Work>> waitingByKey = new HashMap<>();
    private final Deque<Admission> waitingForRoom = new ArrayDeque<>();
    private int inFlight;
    private long inFlightBytes;
    private int peakInFlight;
    private long peakInFlightBytes;
    private boolean closed;

    /** {@code slotFreed}: its place in the bound is given back (when it ends, or earlier by itself). */
    private record Work(long bytes, Function<Runnable, Uni<Void>> run, AtomicBoolean slotFreed) {
    }

    private record Admission(long bytes, Runnable admit) {
    }

    KeyedDispatcher(int maxInFlight, long maxInFlightBytes) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("worker.max-in-flight must be at least 1, got " + maxInFlight);
        }
        if (maxInFlightBytes < 1) {
            throw new IllegalArgumentException("worker.max-in-flight-bytes must be at least 1, got "
                    + maxInFlightBytes);
        }
        this.maxInFlight = maxInFlight;
        this.maxInFlightBytes = maxInFlightBytes;
    }

    /**
     * @param bytes the record's size, counted against the byte budget while the work is admitted
     * @param work must not fail: it reports its own outcome (acks or nacks its record)
     */
    Uni<Void> submit(String key, long bytes, Supplier<Uni<Void>> work) {
        return submit(key, bytes, freeSlot -> work.get());
    }

    /**
     * Likewise, for work that goes on holding its key after it stops holding a place in the bound: it calls the
     * {@code Runnable} it is given when it only waits (exactly once: for its transaction to commit), which admits
     * other work while the key's next piece still waits for this one to end.
     */
    Uni<Void> submit(String key, long bytes, Function<Runnable, Uni<Void>> work) {
        return Uni.createFrom().emitter(admitted -> {
            Runnable admit = () -> {
                enqueue(key, new Work(bytes, work, new AtomicBoolean()));
                admitted.complete(null);
            };
            synchronized (this) {
                if (closed) {
                    return; // never admitted: the record stays unacknowledged, for the next owner
                }
                if (!waitingForRoom.isEmpty() || !hasRoomFor(bytes)) {
                    waitingForRoom.add(new Admission(bytes, admit));
                    return;
                }
                take(bytes);
            }
            admit.run();
        });
    }

    private boolean hasRoomFor(long bytes) {
        return inFlight < maxInFlight && (inFlight == 0 || inFlightBytes + bytes <= maxInFlightBytes);
    }

    private void take(long bytes) {
        inFlight++;
        inFlightBytes += bytes;
        peakInFlight = Math.max(peakInFlight, inFlight);
        peakInFlightBytes = Math.max(peakInFlightBytes, inFlightBytes);
    }

    synchronized int inFlight() {
        return inFlight;
    }

    synchronized long inFlightBytes() {
        return inFlightBytes;
    }

    /** The most record bytes ever admitted at once: within the budget, or one oversized record alone. */
    synchronized long peakInFlightBytes() {
        return peakInFlightBytes;
    }

    /** The most work ever admitted at once: never above the bound. */
    synchronized int peakInFlight() {
        return peakInFlight;
    }

    synchronized int activeKeys() {
        return waitingByKey.size();
    }

    /** Admits nothing more, from now on; work already admitted goes on. */
    synchronized void closeAdmission() {
        closed = true;
        waitingForRoom.clear();
    }

    /** Blocks (never call it on an event loop) until nothing is in flight or the time is up; true when idle. */
    synchronized boolean awaitIdle(Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (inFlight > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    private void enqueue(String key, Work work) {
        synchronized (this) {
            Deque<Work> queue = waitingByKey.get(key);
            if (queue != null) {
                queue.add(work);
                return;
            }
            waitingByKey.put(key, new ArrayDeque<>());
        }
        start(key, work);
    }

    private void start(String key, Work work) {
        Uni.createFrom().deferred(() -> work.run().apply(() -> freeSlot(work))).subscribe()
                .with(ignored -> finished(key, work), failure -> finished(key, work));
    }

    private void finished(String key, Work done) {
        Work next;
        synchronized (this) {
            Deque<Work> queue = waitingByKey.get(key);
            next = queue.poll();
            if (next == null) {
                waitingByKey.remove(key);
            }
        }
        freeSlot(done);
        if (next != null) {
            start(key, next);
        }
    }

    /** Gives the work's place in the bound back, once, and admits what waited for room. */
    private void freeSlot(Work work) {
        if (work.slotFreed().getAndSet(true)) {
            return;
        }
        List<Runnable> admitted = new ArrayList<>();
        synchronized (this) {
            inFlight--;
            inFlightBytes -= work.bytes();
            if (inFlight == 0) {
                notifyAll();
            }
            // In arrival order: a large record waiting for room is not overtaken by small ones forever.
            while (!waitingForRoom.isEmpty() && hasRoomFor(waitingForRoom.peek().bytes())) {
                Admission admission = waitingForRoom.poll();
                take(admission.bytes());
                admitted.add(admission.admit());
            }
        }
        admitted.forEach(Runnable::run);
    }
}
