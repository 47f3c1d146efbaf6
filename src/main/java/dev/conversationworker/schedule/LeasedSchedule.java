package dev.conversationworker.schedule;

import java.util.Collection;
import java.util.List;

import io.smallrye.mutiny.Uni;

/**
 * A schedule in Redis shared by every instance, whose due items are claimed as leases: a claim moves the item's due
 * time to the end of a lease and notes the claimer's token, so two instances never take the same item, a claim
 * taken over is known as such, and a dead instance's claims fall due again when their lease ends. The waiting room
 * and the idle schedule are two of them; each also has its own {@code done} (and the idle schedule its
 * {@code confirm}), whose outcomes differ. Non-blocking only.
 *
 * @param <C> a claimed item
 */
public interface LeasedSchedule<C> {

    /** Claims up to {@code max} items whose time is due, each for one lease, in this instance's name. */
    Uni<List<C>> claimDue(int max);

    /** Extends this instance's claims on {@code held} by one lease from now; a claim another instance took is left. */
    Uni<Void> renew(Collection<C> held);

    /** A claim this instance will not finish (it is stopping): due again at once, for others, if still its own. */
    Uni<Void> release(C claimed);

    /** What names a claimed item in this schedule (one instance holds at most one claim per id). */
    String idOf(C claimed);
}
