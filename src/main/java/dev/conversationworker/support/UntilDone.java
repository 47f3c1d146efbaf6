package dev.conversationworker.support;

import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.mutiny.subscription.UniEmitter;

/**
 * Runs a step again, after a {@link Backoff} pause, for as long as its failure is retryable. Mutiny's
 * {@code onFailure().retry().withBackOff(…)} does the same, but builds its retry machine (the Uni turned into a
 * Multi, a processor, a queue and a trigger stream, turned back into a Uni) at every subscription, whether or not
 * the first attempt fails. On the pipeline's steps, several per event, that machine was on about a sixth of the
 * stacks of a profile (its own cost a small part of that: removing it measured within this machine's noise, see
 * docs/benchmarks.md). Here a step that succeeds costs one failure operator, and the loop is built only after a
 * failure; each retry is a fresh subscription, so a long outage grows no chain of operators.
 */
public final class UntilDone {

    /**
     * @param beforeRetry told of each retryable failure, before its pause (count it, log it)
     */
    public static <T> Uni<T> run(Supplier<Uni<T>> step, Predicate<Throwable> retryable,
            Consumer<Throwable> beforeRetry, Backoff backoff) {
        return Uni.createFrom().deferred(step::get).onFailure(retryable).recoverWithUni(failure -> {
            beforeRetry.accept(failure);
            return Uni.createFrom().<T>emitter(emitter -> new Loop<>(step, retryable, beforeRetry, backoff, emitter)
                    .after(1));
        });
    }

    private static final class Loop<T> {

        private final Supplier<Uni<T>> step;
        private final Predicate<Throwable> retryable;
        private final Consumer<Throwable> beforeRetry;
        private final Backoff backoff;
        private final UniEmitter<? super T> emitter;
        private volatile Cancellable attempt;
        private volatile boolean over;

        Loop(Supplier<Uni<T>> step, Predicate<Throwable> retryable, Consumer<Throwable> beforeRetry, Backoff backoff,
                UniEmitter<? super T> emitter) {
            this.step = step;
            this.retryable = retryable;
            this.beforeRetry = beforeRetry;
            this.backoff = backoff;
            this.emitter = emitter;
            emitter.onTermination(() -> {
                over = true;
                Cancellable running = attempt;
                if (running != null) {
                    running.cancel(); // a no-op once it has ended
                }
            });
        }

        void after(int failures) {
            if (over) {
                return;
            }
            // At least 1 ms: Mutiny refuses a zero delay, and the pause keeps each retry off the failing stack.
            Duration pause = backoff.after(failures);
            Cancellable running = Uni.createFrom().voidItem().onItem()
                    .delayIt().by(pause.isZero() ? Duration.ofMillis(1) : pause)
                    .chain(() -> over ? Uni.createFrom().<T>nothing() : Uni.createFrom().deferred(step::get))
                    .subscribe().with(emitter::complete, failure -> failed(failure, failures));
            attempt = running;
            if (over) {
                running.cancel(); // cancelled while it was being subscribed
            }
        }

        private void failed(Throwable failure, int failures) {
            if (over) {
                return;
            }
            try {
                if (!retryable.test(failure)) {
                    emitter.fail(failure);
                    return;
                }
                beforeRetry.accept(failure);
            } catch (Throwable e) { // never leave the step without an end: its record would stay unacknowledged
                emitter.fail(e);
                return;
            }
            after(failures + 1);
        }
    }

    private UntilDone() {
    }
}
