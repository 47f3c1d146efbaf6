package dev.conversationworker.analysis;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.mutiny.subscription.UniEmitter;

/**
 * A non-blocking cap on concurrent calls to one endpoint: a call over the cap waits (nothing is failed) until a
 * running one ends, however it ends: item, failure or cancellation. A waiting call that is cancelled (its hedge
 * lost, its deadline passed) leaves the queue without ever taking a slot. Waiters are bounded by the worker's
 * in-flight limit.
 * <p>
 * Our own: Fault Tolerance's bulkhead rejects or queues on a thread pool, and Mutiny has no semaphore for
 * {@code Uni}; neither shrinks on a 429 and grows back on success, as this does.
 */
final class ConcurrencyLimit {

    private final int max;
    // Guarded by this.
    private final Deque<Slot<?>> waiting = new ArrayDeque<>();
    private int running;
    private int limit;

    ConcurrencyLimit(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max-concurrency must be at least 1, got " + max);
        }
        this.max = max;
        this.limit = max;
    }

    <T> Uni<T> run(Supplier<Uni<T>> call) {
        return Uni.createFrom().emitter(emitter -> {
            Slot<T> slot = new Slot<>(call, emitter);
            emitter.onTermination(slot::cancel);
            boolean now;
            synchronized (this) {
                now = running < limit;
                if (now) {
                    running++;
                } else {
                    waiting.add(slot);
                }
            }
            if (now && !slot.start()) {
                release();
            }
        });
    }

    /** The provider pushed back: allow half as many calls at once (at least one). */
    synchronized void reduce() {
        limit = Math.max(1, limit / 2);
    }

    /** A call succeeded: allow one more at once, up to the configured maximum. */
    void recover() {
        Slot<?> next;
        synchronized (this) {
            if (limit >= max) {
                return;
            }
            limit++;
            if (running >= limit) {
                return;
            }
            next = waiting.poll();
            if (next == null) {
                return;
            }
            running++;
        }
        if (!next.start()) {
            release();
        }
    }

    synchronized int limit() {
        return limit;
    }

    synchronized int running() {
        return running;
    }

    synchronized int waiting() {
        return waiting.size();
    }

    /** Hands the slot to the next waiter still interested, or frees it (always, when over a reduced limit). */
    private void release() {
        while (true) {
            Slot<?> next;
            synchronized (this) {
                next = running > limit ? null : waiting.poll();
                if (next == null) {
                    running--;
                    return;
                }
            }
            if (next.start()) {
                return;
            }
        }
    }

    private synchronized void forget(Slot<?> slot) {
        waiting.remove(slot);
    }

    private final class Slot<T> {

        private static final int WAITING = 0;
        private static final int RUNNING = 1;
        private static final int CANCELLED = 2;

        private final Supplier<Uni<T>> call;
        private final UniEmitter<? super T> emitter;
        private final AtomicInteger state = new AtomicInteger(WAITING);
        private volatile Cancellable subscription;
        private volatile boolean cancelRequested;

        Slot(Supplier<Uni<T>> call, UniEmitter<? super T> emitter) {
            this.call = call;
            this.emitter = emitter;
        }

        /** Starts the call in a slot already taken; false when the caller had gone, so the slot must go back. */
        boolean start() {
            if (!state.compareAndSet(WAITING, RUNNING)) {
                return false;
            }
            subscription = Uni.createFrom().deferred(call::get)
                    .onTermination().invoke(ConcurrencyLimit.this::release)
                    .subscribe().with(emitter::complete, emitter::fail);
            if (cancelRequested) {
                subscription.cancel();
            }
            return true;
        }

        void cancel() {
            if (state.compareAndSet(WAITING, CANCELLED)) {
                forget(this);
                return;
            }
            cancelRequested = true;
            Cancellable running = subscription;
            if (running != null) {
                running.cancel();
            }
        }
    }
}
