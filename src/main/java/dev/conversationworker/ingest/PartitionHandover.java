package dev.conversationworker.ingest;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.TopicPartition;

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
 */
final class PartitionHandover {

    /** One record as received: its partition's generation tells whether it may still run here. */
    record Ticket(TopicPartition partition, long offset, long generation) {
    }

    /** What a revocation leaves: the offsets to commit, and how many records were still running at its end. */
    record Released(Map<TopicPartition, Long> commit, int stillRunning) {
    }

    // All guarded by this.
    private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();

    private static final class PartitionState {

        long generation;
        boolean revoked;
        long lastReceived = -1;
        final TreeSet<Long> unacknowledged = new TreeSet<>();
        int running;
    }

    /** A record arrives; {@code null} when its partition was revoked from this instance (its new owner reads it). */
    synchronized Ticket received(String topic, int partition, long offset) {
        TopicPartition tp = new TopicPartition(topic, partition);
        PartitionState state = partitions.computeIfAbsent(tp, ignored -> new PartitionState());
        if (state.revoked) {
            return null;
        }
        state.unacknowledged.add(offset);
        state.lastReceived = Math.max(state.lastReceived, offset);
        return new Ticket(tp, offset, state.generation);
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

    synchronized void acknowledged(Ticket ticket) {
        PartitionState state = current(ticket);
        if (state != null) {
            state.unacknowledged.remove(ticket.offset());
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
        for (TopicPartition tp : revoked) {
            PartitionState state = partitions.computeIfAbsent(tp, ignored -> new PartitionState());
            state.revoked = true;
        }
        long deadline = System.nanoTime() + patience.toNanos();
        int running = running(revoked);
        while (running > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
            running = running(revoked);
        }
        Map<TopicPartition, Long> commit = new HashMap<>();
        for (TopicPartition tp : revoked) {
            PartitionState state = partitions.get(tp);
            if (state.lastReceived >= 0) {
                commit.put(tp, state.unacknowledged.isEmpty() ? state.lastReceived + 1 : state.unacknowledged.first());
            }
            // A fresh start for when it comes back (the records then come again from the committed offset); what
            // still runs of this generation ends unheard.
            state.generation++;
            state.unacknowledged.clear();
            state.lastReceived = -1;
            state.running = 0;
        }
        return new Released(commit, running);
    }

    private int running(Collection<TopicPartition> revoked) {
        int running = 0;
        for (TopicPartition tp : revoked) {
            running += partitions.get(tp).running;
        }
        return running;
    }

    /** The ticket's partition state while the ticket's generation is current, else {@code null}. */
    private PartitionState current(Ticket ticket) {
        PartitionState state = partitions.get(ticket.partition());
        return state == null || state.generation != ticket.generation() ? null : state;
    }
}
