package dev.conversationworker.analysis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.mutiny.subscription.UniEmitter;

/**
 * A hedged request (Dean and Barroso, "The Tail at Scale"): the primary starts at once; the fallback starts when
 * the primary has been out for the hedge delay, or at once when it fails. The first item wins and the other call is
 * cancelled; the call fails only when both have failed (with the last failure, the primary's one suppressed).
 * Cancelling the returned {@link Uni} (a deadline, say) cancels both. Pure Mutiny: no I/O of its own.
 * <p>
 * Our own: no library offers a hedge for Mutiny ({@code Uni.any()} starts every candidate at once), and Fault
 * Tolerance's fallback starts only after the primary has failed, never while it is slow.
 */
final class HedgedCall<T> {

    private final Supplier<Uni<T>> primary;
    private final Supplier<Uni<T>> fallback;
    private final Duration hedgeDelay;
    private final Runnable onHedge;

    private HedgedCall(Supplier<Uni<T>> primary, Supplier<Uni<T>> fallback, Duration hedgeDelay, Runnable onHedge) {
        this.primary = primary;
        this.fallback = fallback;
        this.hedgeDelay = hedgeDelay;
        this.onHedge = onHedge;
    }

    /** @param onHedge called when the fallback starts because the primary is slow (not when it failed) */
    static <T> Uni<T> race(Supplier<Uni<T>> primary, Supplier<Uni<T>> fallback, Duration hedgeDelay,
            Runnable onHedge) {
        return Uni.createFrom().emitter(emitter -> new HedgedCall<>(primary, fallback, hedgeDelay, onHedge)
                .run(emitter));
    }

    private void run(UniEmitter<? super T> emitter) {
        Race race = new Race(emitter);
        emitter.onTermination(race::cancelAll);
        race.track(primary.get().subscribe().with(race::win, failure -> {
            race.primaryFailed(failure);
            race.startFallback(false);
            race.checkAllFailed();
        }));
        race.track(Uni.createFrom().voidItem().onItem().delayIt().by(hedgeDelay).subscribe()
                .with(ignored -> race.startFallback(true)));
    }

    private final class Race {

        private final UniEmitter<? super T> emitter;
        private boolean done;
        private boolean fallbackStarted;
        private Throwable primaryFailure;
        private Throwable fallbackFailure;
        // The primary call, the hedge timer and the fallback call, whichever have started.
        private final List<Cancellable> started = new ArrayList<>(3);

        Race(UniEmitter<? super T> emitter) {
            this.emitter = emitter;
        }

        synchronized void startFallback(boolean becauseSlow) {
            if (done || fallbackStarted) {
                return;
            }
            fallbackStarted = true;
            if (becauseSlow) {
                onHedge.run();
            }
            track(fallback.get().subscribe().with(this::win, failure -> {
                synchronized (this) {
                    fallbackFailure = failure;
                }
                checkAllFailed();
            }));
        }

        synchronized void primaryFailed(Throwable failure) {
            primaryFailure = failure;
        }

        /** Remembers a started subscription, or cancels it at once when the race is already over. */
        void track(Cancellable subscription) {
            synchronized (this) {
                if (!done) {
                    started.add(subscription);
                    return;
                }
            }
            subscription.cancel();
        }

        void win(T item) {
            List<Cancellable> others;
            synchronized (this) {
                if (done) {
                    return;
                }
                done = true;
                others = List.copyOf(started);
                started.clear();
            }
            // The loser's request is aborted before the winner's answer travels on.
            others.forEach(Cancellable::cancel);
            emitter.complete(item);
        }

        void checkAllFailed() {
            Throwable last;
            synchronized (this) {
                if (done || primaryFailure == null || fallbackFailure == null) {
                    return;
                }
                done = true;
                last = fallbackFailure;
                if (last != primaryFailure) {
                    last.addSuppressed(primaryFailure);
                }
            }
            emitter.fail(last);
        }

        void cancelAll() {
            List<Cancellable> all;
            synchronized (this) {
                done = true;
                all = List.copyOf(started);
                started.clear();
            }
            all.forEach(Cancellable::cancel);
        }
    }
}
