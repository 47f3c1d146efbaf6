package dev.conversationworker.ingest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.TopicPartition;

import io.smallrye.mutiny.Uni;

/**
 * Hands partitions over cleanly when they move to another instance (a rollout, a scale event, a rebalance).
 * <p>
 * SmallRye's throttled commit forgets a revoked partition at once: what is still running there finishes here while
 * the new owner, starting from the last commit, runs it again (a quarter of the work in flight repeated in a rollout
 * before this class). So the consumer's rebalance listener asks {@link #revoke}: records of the partition that have
 * not started are not started here any more (their turn behind their conversation is skipped, unacknowledged),
 * records that are running may finish within the patience given, and the offset to commit is the first record not
 * acknowledged (or the one after the last received). The listener commits that before the partition is released, so
 * the new owner starts exactly where this instance stopped, and repeats nothing that finished except what a record
 * skipped here keeps uncommitted behind it (whose effects are idempotent: a history append once per event id, a
 * published trigger not analysed again).
 * <p>
 * Partitions never seen revoked are owned: without rebalance callbacks this class changes nothing.
 * <p>
 * In exactly-once mode it also keeps, per partition, the records finished beyond the first unfinished one: the
 * committer takes them with the offset ({@link #toCommit}) into the commit's map, and a map read on assignment
 * ({@link #seed}) makes the records it lists be skipped.
 */
final class PartitionHandover {

    /**
     * One record as received: its partition's generation tells whether it may still run here; {@code finished}, that
     * it finished before (a committed map says so) and must not run again.
     */
    record Ticket(TopicPartition partition, long offset, long generation, boolean finished) {
    }

    /** What a revocation leaves: the offsets to commit, and how many records were still running at its end. */
    record Released(Map<TopicPartition, Long> commit, int stillRunning) {
    }

    // All guarded by this.
    private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();
    /** Exactly-once mode: records finished beyond the first unfinished one are kept for the commit's map. */
    private final boolean tracksFinished;

    private static final class PartitionState {

        long generation;
        boolean revoked;
        long lastReceived = -1;
        final TreeSet<Long> unacknowledged = new TreeSet<>();
        int running;
        /** Finished beyond the first unfinished record (exactly-once): this instance's and those of the map read. */
        final TreeSet<Long> finished = new TreeSet<>();
        /** Changed since the last commit was taken. */
        boolean dirty;
        /** Records waiting until the partition's first unfinished record is near enough for the map to hold them. */
        final List<Runnable> waitingForWindow = new ArrayList<>();
    }

    PartitionHandover() {
        this(false);
    }

    /** @param tracksFinished exactly-once mode: keeps what finished beyond the head, for {@link #toCommit} */
    PartitionHandover(boolean tracksFinished) {
        this.tracksFinished = tracksFinished;
    }

    /** A record arrives; {@code null} when its partition was revoked from this instance (its new owner reads it). */
    synchronized Ticket received(String topic, int partition, long offset) {
        TopicPartition tp = new TopicPartition(topic, partition);
        PartitionState state = partitions.computeIfAbsent(tp, ignored -> new PartitionState());
        if (state.revoked) {
            return null;
        }
        state.lastReceived = Math.max(state.lastReceived, offset);
        if (state.finished.contains(offset)) {
            return new Ticket(tp, offset, state.generation, true);
        }
        state.unacknowledged.add(offset);
        return new Ticket(tp, offset, state.generation, false);
    }

    /**
     * Completes when the record may start in exactly-once mode: at most {@code span} offsets past its partition's
     * first unfinished record, so that the commit's map of finished records always fits ({@link FinishedOffsets});
     * until then the consumer, waiting here, fetches nothing more. At once when the partition moved.
     */
    Uni<Void> windowFor(Ticket ticket, long span) {
        return Uni.createFrom().emitter(room -> {
            synchronized (this) {
                PartitionState state = current(ticket);
                if (state != null && !state.unacknowledged.isEmpty()
                        && ticket.offset() - state.unacknowledged.first() >= span) {
                    // Looks again once the first unfinished record has finished: the next one may still be far.
                    // On the waiter's own thread, not the committer's or the polling thread that freed it.
                    Executor waiter = Outbox.callersThread();
                    state.waitingForWindow.add(() -> waiter
                            .execute(() -> windowFor(ticket, span).subscribe().with(room::complete)));
                    return;
                }
            }
            room.complete(null);
        });
    }

    /** The record's turn has come: false when its partition moved away meanwhile, so it must not run here. */
    synchronized boolean start(Ticket ticket) {
        PartitionState state = current(ticket);
        if (state == null || state.revoked) {
            return false;
        }
        state.running++;
        return true;
    }

    /** A record that {@link #start started} has ended, acknowledged or not. */
    synchronized void ended(Ticket ticket) {
        PartitionState state = current(ticket);
        if (state != null && --state.running == 0) {
            notifyAll();
        }
    }

    /** The record finished (in exactly-once mode: its outputs joined the open transaction). */
    void acknowledged(Ticket ticket) {
        List<Runnable> inWindow = List.of();
        synchronized (this) {
            PartitionState state = current(ticket);
            if (state == null) {
                return;
            }
            boolean wasFirst = !state.unacknowledged.isEmpty() && state.unacknowledged.first() == ticket.offset();
            state.unacknowledged.remove(ticket.offset());
            if (tracksFinished) {
                state.finished.add(ticket.offset());
                state.dirty = true;
            }
            if (wasFirst && !state.waitingForWindow.isEmpty()) {
                inWindow = List.copyOf(state.waitingForWindow);
                state.waitingForWindow.clear();
            }
        }
        inWindow.forEach(Runnable::run);
    }

    /** Whether the ticket's partition is still this instance's, in the ticket's generation. */
    synchronized boolean owned(Ticket ticket) {
        PartitionState state = current(ticket);
        return state != null;
    }

    /**
     * Exactly-once mode, on assignment: what the last commit says finished beyond its offset is not run again, and
     * is carried into the next commits until the committed offset passes it.
     */
    synchronized void seed(TopicPartition tp, FinishedOffsets committed) {
        PartitionState state = partitions.computeIfAbsent(tp, ignored -> new PartitionState());
        state.finished.addAll(committed.beyond());
    }

    /**
     * Exactly-once mode: the offset and the map of finished records to commit for each partition that moved since
     * the last call; the caller commits them, or hands them back ({@link #notCommitted}). Checked in the same step:
     * every ticket whose outputs the transaction holds is still this
     * instance's: null when one is not (its partition was released meanwhile), as those outputs must not commit
     * without their offset.
     */
    synchronized Map<TopicPartition, FinishedOffsets> toCommit(Collection<Ticket> inTransaction) {
        for (Ticket ticket : inTransaction) {
            if (current(ticket) == null) {
                return null;
            }
        }
        Map<TopicPartition, FinishedOffsets> commit = new HashMap<>();
        for (Map.Entry<TopicPartition, PartitionState> entry : partitions.entrySet()) {
            PartitionState state = entry.getValue();
            if (!state.dirty || state.lastReceived < 0) {
                continue;
            }
            long next = state.lastReceived + 1;
            long committed = state.unacknowledged.isEmpty() ? next : state.unacknowledged.first();
            // Finished by the map read on assignment and not received yet: the offset may pass them, but they stay
            // known (until received and skipped), else reading them would run them again.
            while (committed >= next && state.finished.contains(committed)) {
                committed++;
            }
            state.finished.headSet(Math.min(committed, next)).clear();
            commit.put(entry.getKey(), new FinishedOffsets(committed,
                    new TreeSet<>(state.finished.tailSet(committed, false))));
            state.dirty = false;
        }
        return commit;
    }

    /** Offsets {@link #toCommit taken} whose transaction did not commit: they are taken again next time. */
    synchronized void notCommitted(Collection<TopicPartition> taken) {
        for (TopicPartition tp : taken) {
            PartitionState state = partitions.get(tp);
            if (state != null) {
                state.dirty = true;
            }
        }
    }

    /** Partitions (re)assigned to this instance: their records run here again, from the committed offset. */
    synchronized void assigned(Collection<TopicPartition> assigned) {
        for (TopicPartition tp : assigned) {
            PartitionState state = partitions.get(tp);
            if (state != null) {
                state.revoked = false;
            }
        }
    }

    /**
     * Blocks (the consumer's polling thread, never an event loop) until the running records of {@code revoked}
     * have ended or {@code patience} is up, then forgets the partitions and says what to commit for them.
     */
    synchronized Released revoke(Collection<TopicPartition> revoked, Duration patience) throws InterruptedException {
        stop(revoked, patience);
        return release(revoked);
    }

    /**
     * The first half of {@link #revoke}: nothing more starts in {@code revoked}, and what runs there may end within
     * {@code patience} (its state is kept, for the commit that follows in exactly-once mode).
     */
    synchronized void stop(Collection<TopicPartition> revoked, Duration patience) throws InterruptedException {
        for (TopicPartition tp : revoked) {
            PartitionState state = partitions.computeIfAbsent(tp, ignored -> new PartitionState());
            state.revoked = true;
        }
        long deadline = System.nanoTime() + patience.toNanos();
        while (running(revoked) > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /** The second half of {@link #revoke}: the partitions are forgotten; says what to commit for them. */
    Released release(Collection<TopicPartition> revoked) {
        List<Runnable> waiting = new ArrayList<>();
        Released released;
        synchronized (this) {
            released = forget(revoked, waiting);
        }
        waiting.forEach(Runnable::run); // admitted, they find their partition gone and never start
        return released;
    }

    private Released forget(Collection<TopicPartition> revoked, List<Runnable> waiting) {
        int running = running(revoked);
        Map<TopicPartition, Long> commit = new HashMap<>();
        for (TopicPartition tp : revoked) {
            PartitionState state = partitions.get(tp);
            if (state == null) {
                continue; // nothing ever received from it here
            }
            if (state.lastReceived >= 0) {
                commit.put(tp, state.unacknowledged.isEmpty() ? state.lastReceived + 1 : state.unacknowledged.first());
            }
            // A fresh start for when it comes back (the records then come again from the committed offset); what
            // still runs of this generation ends unheard.
            state.generation++;
            state.unacknowledged.clear();
            state.finished.clear();
            state.dirty = false;
            state.lastReceived = -1;
            state.running = 0;
            waiting.addAll(state.waitingForWindow);
            state.waitingForWindow.clear();
        }
        return new Released(commit, running);
    }

    private int running(Collection<TopicPartition> revoked) {
        int running = 0;
        for (TopicPartition tp : revoked) {
            PartitionState state = partitions.get(tp);
            running += state == null ? 0 : state.running;
        }
        return running;
    }

    /** The ticket's partition state while the ticket's generation is current, else {@code null}. */
    private PartitionState current(Ticket ticket) {
        PartitionState state = partitions.get(ticket.partition());
        return state == null || state.generation != ticket.generation() ? null : state;
    }
}
