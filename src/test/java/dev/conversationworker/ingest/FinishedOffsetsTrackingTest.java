package dev.conversationworker.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Exactly-once mode's side of {@link PartitionHandover}: what a transaction commits, and what a restart skips. */
class FinishedOffsetsTrackingTest {

    private static final TopicPartition P0 = new TopicPartition("in", 0);

    private final PartitionHandover handover = new PartitionHandover(true);

    @Test
    void aCommitCarriesTheFirstUnfinishedOffsetAndWhatFinishedBeyondIt() {
        PartitionHandover.Ticket slow = started(10);
        PartitionHandover.Ticket fast = started(11);
        PartitionHandover.Ticket faster = started(13);
        started(12);
        handover.acknowledged(fast);
        handover.acknowledged(faster);

        Map<TopicPartition, FinishedOffsets> commit = handover.toCommit(List.of());

        assertThat(commit).containsOnlyKeys(P0);
        assertThat(commit.get(P0).committed()).isEqualTo(10);
        assertThat(commit.get(P0).beyond()).containsExactly(11L, 13L);
        assertThat(handover.toCommit(List.of())).as("nothing moved since").isEmpty();

        handover.acknowledged(slow);
        FinishedOffsets next = handover.toCommit(List.of()).get(P0);
        assertThat(next.committed()).as("12 still runs").isEqualTo(12);
        assertThat(next.beyond()).containsExactly(13L);
    }

    @Test
    void offsetsOfATransactionThatDidNotCommitAreTakenAgain() {
        handover.acknowledged(started(0));
        Map<TopicPartition, FinishedOffsets> taken = handover.toCommit(List.of());
        handover.notCommitted(taken.keySet());

        assertThat(handover.toCommit(List.of()).get(P0).committed()).isEqualTo(1);
    }

    @Test
    void recordsTheLastCommitsMapSaysFinishedAreNotRunAgainAndStayInTheMapUntilPassed() {
        handover.seed(P0, new FinishedOffsets(100, new TreeSet<>(List.of(101L, 103L))));

        PartitionHandover.Ticket first = handover.received("in", 0, 100);
        assertThat(first.finished()).isFalse();
        assertThat(handover.received("in", 0, 101).finished()).as("finished before the crash").isTrue();
        handover.start(first);
        handover.acknowledged(first);

        FinishedOffsets commit = handover.toCommit(List.of()).get(P0);
        assertThat(commit.committed()).isEqualTo(102);
        assertThat(commit.beyond()).as("103 is not read yet, and still finished").containsExactly(103L);
        assertThat(handover.received("in", 0, 102).finished()).isFalse();
        assertThat(handover.received("in", 0, 103).finished()).isTrue();
    }

    @Test
    void theOffsetPassesRecordsTheMapSaysFinishedAheadOfTheReaderAndTheyAreStillSkippedWhenRead() {
        handover.seed(P0, new FinishedOffsets(10, new TreeSet<>(List.of(11L, 12L, 14L))));
        handover.acknowledged(started(10));

        FinishedOffsets commit = handover.toCommit(List.of()).get(P0);

        assertThat(commit.committed()).as("11 and 12 finished before: passed").isEqualTo(13);
        assertThat(commit.beyond()).containsExactly(14L);
        assertThat(handover.received("in", 0, 11).finished()).as("still known when it is read").isTrue();
        assertThat(handover.received("in", 0, 12).finished()).isTrue();
    }

    @Test
    void offsetsAreNotTakenWhileTheTransactionHoldsOutputsOfAPartitionReleasedMeanwhile() throws Exception {
        PartitionHandover.Ticket done = started(0);
        handover.acknowledged(done);
        handover.revoke(List.of(P0), Duration.ZERO);

        assertThat(handover.toCommit(List.of(done))).isNull();
    }

    @Test
    void aRecordTooFarPastTheFirstUnfinishedOneWaitsUntilThatOneFinishes() {
        PartitionHandover.Ticket stuck = started(0);
        PartitionHandover.Ticket near = handover.received("in", 0, 4);
        PartitionHandover.Ticket far = handover.received("in", 0, 5);
        AtomicBoolean nearAdmitted = new AtomicBoolean();
        AtomicBoolean farAdmitted = new AtomicBoolean();
        handover.windowFor(near, 5).subscribe().with(ignored -> nearAdmitted.set(true));
        handover.windowFor(far, 5).subscribe().with(ignored -> farAdmitted.set(true));

        assertThat(nearAdmitted).isTrue();
        assertThat(farAdmitted).as("5 offsets past the first unfinished one").isFalse();
        handover.acknowledged(stuck);
        await().atMost(Duration.ofSeconds(5)).untilTrue(farAdmitted);
    }

    @Test
    void aRecordWaitingForTheWindowGoesOnWhenItsPartitionMovesAndDoesNotStart() throws Exception {
        started(0);
        PartitionHandover.Ticket far = handover.received("in", 0, 9);
        AtomicBoolean admitted = new AtomicBoolean();
        handover.windowFor(far, 5).subscribe().with(ignored -> admitted.set(true));

        handover.revoke(List.of(P0), Duration.ZERO);

        await("the consumer is not held").atMost(Duration.ofSeconds(5)).untilTrue(admitted);
        assertThat(handover.start(far)).isFalse();
        assertThat(handover.owned(far)).isFalse();
    }

    private PartitionHandover.Ticket started(long offset) {
        PartitionHandover.Ticket ticket = handover.received("in", 0, offset);
        handover.start(ticket);
        return ticket;
    }
}
