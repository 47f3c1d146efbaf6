package dev.conversationworker.ingest;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;

/**
 * Runs work of one key strictly in submission order and work of different keys concurrently, with at most
 * {@code maxInFlight} pieces admitted (running or waiting behind their key) in all. {@link #submit} completes when
 * the work is admitted, not when it is done: the caller waits only while the dispatcher is full, which is what
 * stops the consumer fetching. A key has state only while it has work admitted, so memory follows the in-flight
 * bound, not the number of keys ever seen.
 */
final class KeyedDispatcher {

    private final int maxInFlight;
    // All guarded by this.
    private final Map<String, Deque<Supplier<Uni<Void>>>> waitingByKey = new HashMap<>();
    private final Deque<Runnable> waitingForRoom = new ArrayDeque<>();
    private int inFlight;
    private int peakInFlight;
    private boolean closed;

    KeyedDispatcher(int maxInFlight) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("worker.max-in-flight must be at least 1, got " + maxInFlight);
        }
        this.maxInFlight = maxInFlight;
    }

    /** @param work must not fail: it reports its own outcome (acks or nacks its record) */
    Uni<Void> submit(String key, Supplier<Uni<Void>> work) {
        return Uni.createFrom().emitter(admitted -> {
            Runnable admit = () -> {
                enqueue(key, work);
                admitted.complete(null);
            };
            synchronized (this) {
                if (closed) {
                    return; // never admitted: the record stays unacknowledged, for the next owner
                }
                if (inFlight >= maxInFlight) {
                    waitingForRoom.add(admit);
                    return;
                }
                inFlight++;
                peakInFlight = Math.max(peakInFlight, inFlight);
            }
            admit.run();
        });
    }

    synchronized int inFlight() {
        return inFlight;
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

    private void enqueue(String key, Supplier<Uni<Void>> work) {
        synchronized (this) {
            Deque<Supplier<Uni<Void>>> queue = waitingByKey.get(key);
            if (queue != null) {
                queue.add(work);
                return;
            }
            waitingByKey.put(key, new ArrayDeque<>());
        }
        start(key, work);
    }

    private void start(String key, Supplier<Uni<Void>> work) {
        Uni.createFrom().deferred(work::get).subscribe().with(ignored -> finished(key), failure -> finished(key));
    }

    private void finished(String key) {
        Supplier<Uni<Void>> next;
        Runnable admit = null;
        synchronized (this) {
            inFlight--;
            Deque<Supplier<Uni<Void>>> queue = waitingByKey.get(key);
            next = queue.poll();
            if (next == null) {
                waitingByKey.remove(key);
            }
            if (inFlight == 0) {
                notifyAll();
            }
            if (inFlight < maxInFlight && !waitingForRoom.isEmpty()) {
                admit = waitingForRoom.poll();
                inFlight++;
                peakInFlight = Math.max(peakInFlight, inFlight);
            }
        }
        if (next != null) {
            start(key, next);
        }
        if (admit != null) {
            admit.run();
        }
    }
}
