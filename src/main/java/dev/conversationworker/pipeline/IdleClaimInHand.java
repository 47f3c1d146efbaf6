package dev.conversationworker.pipeline;

import java.util.concurrent.atomic.AtomicReference;

import dev.conversationworker.idle.ClaimedConversation;

/**
 * An idle claim this instance holds, and how far its analysis got. The stages decide, without a race, between the
 * analysis publishing and the instance handing the claim back when it stops: once one has won, the other does
 * nothing.
 */
final class IdleClaimInHand {

    private enum Stage {
        /** Waiting for its conversation's turn. */
        QUEUED,
        /** Confirmed, being analysed. */
        ANALYSING,
        /** Its claim checked just before publishing: it is published (or given up) here, whatever comes. */
        PUBLISHING,
        /** Handed back when stopping: another instance analyses it; nothing is published here. */
        HANDED_BACK,
        /** Another instance took the claim over: nothing is published here. */
        LOST
    }

    private final ClaimedConversation claimed;
    private final AtomicReference<Stage> stage = new AtomicReference<>(Stage.QUEUED);

    IdleClaimInHand(ClaimedConversation claimed) {
        this.claimed = claimed;
    }

    ClaimedConversation claimed() {
        return claimed;
    }

    /** Its analysis starts; false when it was handed back first. */
    boolean start() {
        return stage.compareAndSet(Stage.QUEUED, Stage.ANALYSING);
    }

    /** It is about to be published; false when it was handed back or lost first. */
    boolean publish() {
        Stage now = stage.updateAndGet(s -> s == Stage.ANALYSING ? Stage.PUBLISHING : s);
        return now == Stage.PUBLISHING;
    }

    /**
     * Another instance holds its claim. True when it was lost, not handed back by this instance (then the other
     * instance holds it as it should).
     */
    boolean lost() {
        Stage now = stage.updateAndGet(s -> s == Stage.PUBLISHING || s == Stage.HANDED_BACK ? s : Stage.LOST);
        return now == Stage.LOST;
    }

    /** The instance stops: true when the claim is to be handed back (its analysis is not publishing). */
    boolean handBack() {
        Stage now = stage.updateAndGet(s -> s == Stage.QUEUED || s == Stage.ANALYSING ? Stage.HANDED_BACK : s);
        return now == Stage.HANDED_BACK;
    }

    /** Whether the claim is still this instance's to finish (disarm), not handed back nor lost. */
    boolean ours() {
        Stage now = stage.get();
        return now != Stage.HANDED_BACK && now != Stage.LOST;
    }
}
