package dev.conversationworker.schedule;

import java.util.concurrent.atomic.AtomicReference;

/**
 * A claim this instance holds, and how far its work got. The stages decide, without a race, between the work
 * publishing and the instance handing the claim back when it stops: once one has won, the other does nothing. A
 * schedule whose work never says {@link #start()} or {@link #publish()} has every claim in hand handed back.
 *
 * @param <C> the claimed item
 */
public final class ClaimInHand<C> {

    private enum Stage {
        /** Waiting for its turn. */
        QUEUED,
        /** Confirmed, being worked on. */
        ANALYSING,
        /** Its claim checked just before publishing: it is published (or given up) here, whatever comes. */
        PUBLISHING,
        /** Handed back when stopping: another instance takes it; nothing is published here. */
        HANDED_BACK,
        /** Another instance took the claim over: nothing is published here. */
        LOST
    }

    private final C claimed;
    private final AtomicReference<Stage> stage = new AtomicReference<>(Stage.QUEUED);

    public ClaimInHand(C claimed) {
        this.claimed = claimed;
    }

    public C claimed() {
        return claimed;
    }

    /** Its work starts; false when it was handed back first. */
    public boolean start() {
        return stage.compareAndSet(Stage.QUEUED, Stage.ANALYSING);
    }

    /** It is about to be published; false when it was handed back or lost first. */
    public boolean publish() {
        Stage now = stage.updateAndGet(s -> s == Stage.ANALYSING ? Stage.PUBLISHING : s);
        return now == Stage.PUBLISHING;
    }

    /**
     * Another instance holds its claim. True when it was lost, not handed back by this instance (then the other
     * instance holds it as it should).
     */
    public boolean lost() {
        Stage now = stage.updateAndGet(s -> s == Stage.PUBLISHING || s == Stage.HANDED_BACK ? s : Stage.LOST);
        return now == Stage.LOST;
    }

    /** The instance stops: true when the claim is to be handed back (its work is not publishing). */
    public boolean handBack() {
        Stage now = stage.updateAndGet(s -> s == Stage.QUEUED || s == Stage.ANALYSING ? Stage.HANDED_BACK : s);
        return now == Stage.HANDED_BACK;
    }

    /** Whether the claim is still this instance's to finish, not handed back nor lost. */
    public boolean ours() {
        Stage now = stage.get();
        return now != Stage.HANDED_BACK && now != Stage.LOST;
    }
}
