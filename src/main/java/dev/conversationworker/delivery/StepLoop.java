package dev.conversationworker.delivery;

import java.time.Duration;
import java.util.function.Function;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * A loop of asynchronous steps, each started afresh by a Vert.x timer once the previous one has ended: however many
 * steps run (a retry every few milliseconds for days), no stack and no chain of operators grows, which a retry that
 * subscribes to the next attempt from inside the last one does (a StackOverflowError after some thousands). A step
 * says how long until the next, and whether {@link #wake} may cut that wait short.
 */
final class StepLoop {

    /** The end of a step: how long until the next, and whether new work may cut that wait short. */
    record Next(Duration pause, boolean wakeable) {

        static final Next NOW = new Next(Duration.ZERO, false);

        static Next after(Duration pause) {
            return new Next(pause, false);
        }

        static Next idle(Duration pause) {
            return new Next(pause, true);
        }
    }

    private final Vertx vertx;
    private final Supplier<Uni<Next>> step;
    private final Function<Throwable, Next> failed;
    private final Runnable endedAfterStop;
    private long timer = -1;
    private boolean running;
    private boolean idleWait;
    private boolean woken;
    private boolean stopped;

    /**
     * @param failed what follows a step that failed (log it, pause)
     * @param endedAfterStop run when a step under way at {@link #stop} has ended
     */
    StepLoop(Vertx vertx, Supplier<Uni<Next>> step, Function<Throwable, Next> failed, Runnable endedAfterStop) {
        this.vertx = vertx;
        this.step = step;
        this.failed = failed;
        this.endedAfterStop = endedAfterStop;
    }

    void start() {
        schedule(Next.NOW);
    }

    /** New work: a step waiting idle starts now, one under way is followed at once. */
    synchronized void wake() {
        if (stopped) {
            return;
        }
        if (running || !idleWait) {
            woken = true;
            return;
        }
        if (timer >= 0 && vertx.cancelTimer(timer)) {
            idleWait = false;
            timer = vertx.setTimer(1, id -> run());
        }
    }

    /** No step starts any more; whether none is under way. */
    synchronized boolean stop() {
        stopped = true;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        return !running;
    }

    private void schedule(Next next) {
        boolean ended;
        synchronized (this) {
            ended = running && stopped;
            running = false;
            if (!stopped) {
                Duration wait = woken && next.wakeable() ? Duration.ZERO : next.pause();
                woken = false;
                idleWait = next.wakeable();
                // At least 1 ms: each step starts on a fresh stack, whatever the previous one was.
                timer = vertx.setTimer(Math.max(1, wait.toMillis()), id -> run());
            }
        }
        if (ended) {
            endedAfterStop.run();
        }
    }

    private void run() {
        synchronized (this) {
            if (stopped) {
                return;
            }
            running = true;
            timer = -1;
        }
        Uni<Next> next;
        try {
            next = step.get();
        } catch (RuntimeException e) {
            next = Uni.createFrom().failure(e);
        }
        next.subscribe().with(this::schedule, failure -> schedule(failed.apply(failure)));
    }
}
