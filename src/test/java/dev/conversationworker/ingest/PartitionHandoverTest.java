package dev.conversationworker.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class PartitionHandoverTest {

    private static final TopicPartition P0 = new TopicPartition("in", 0);
    private static final TopicPartition P1 = new TopicPartition("in", 1);

    private final PartitionHandover handover = new PartitionHandover();

    @Test
    void aRevokedPartitionWaitsForWhatRunsThereAndCommitsPastEverythingAcknowledged() throws Exception {
        PartitionHandover.Ticket running = handover.received("in", 0, 10);
        PartitionHandover.Ticket done = handover.received("in", 0, 11);
        assertThat(handover.start(running)).isTrue();
        assertThat(handover.start(done)).isTrue();
        finish(done);

        CompletableFuture<PartitionHandover.Released> revoking = CompletableFuture.supplyAsync(() -> revoke(P0));
        TimeUnit.MILLISECONDS.sleep(200);
        assertThat(revoking).as("waits while offset 10 runs").isNotDone();
        finish(running);

        PartitionHandover.Released released = revoking.get(5, TimeUnit.SECONDS);
        assertThat(released.commit()).containsExactly(Map.entry(P0, 12L));
        assertThat(released.stillRunning()).isZero();
    }

    @Test
    void whatHasNotStartedDoesNotStartOnceItsPartitionIsRevokedAndHoldsTheCommitBack() {
        PartitionHandover.Ticket queued = handover.received("in", 0, 5);
        PartitionHandover.Ticket finishedLater = handover.received("in", 0, 6);
        handover.start(finishedLater);
        finish(finishedLater);

        PartitionHandover.Released released = revoke(P0);

        assertThat(handover.start(queued)).as("its new owner runs it").isFalse();
        assertThat(released.commit()).as("the new owner starts at the record skipped here")
                .containsExactly(Map.entry(P0, 5L));
        assertThat(handover.received("in", 0, 7)).as("a record arriving after the revocation is not taken")
                .isNull();
    }

    @Test
    void anotherPartitionIsNotTouchedAndARecordRunningPastThePatienceIsLeftUncommitted() {
        PartitionHandover.Ticket stuck = handover.received("in", 0, 3);
        PartitionHandover.Ticket other = handover.received("in", 1, 40);
        handover.start(stuck);
        handover.start(other);

        PartitionHandover.Released released = revoke(P0, Duration.ofMillis(50));

        assertThat(released.stillRunning()).isEqualTo(1);
        assertThat(released.commit()).containsExactly(Map.entry(P0, 3L));
        finish(stuck); // too late: its generation is over, nothing of it is remembered
        finish(other);
        assertThat(revoke(P1).commit()).containsExactly(Map.entry(P1, 41L));
    }

    @Test
    void aPartitionAssignedAgainRunsItsRecordsAgainFromTheCommittedOffset() {
        handover.received("in", 0, 1);
        revoke(P0);
        handover.assigned(List.of(P0));

        PartitionHandover.Ticket again = handover.received("in", 0, 1);
        assertThat(again).isNotNull();
        assertThat(handover.start(again)).isTrue();
        finish(again);
        assertThat(revoke(P0).commit()).containsExactly(Map.entry(P0, 2L));
    }

    @Test
    void aPartitionThatReceivedNothingCommitsNothing() {
        assertThat(revoke(P1).commit()).isEmpty();
    }

    /** As the consumer finishes a record: its offset acknowledged, then its work ended. */
    private void finish(PartitionHandover.Ticket ticket) {
        handover.acknowledged(ticket);
        handover.ended(ticket);
    }

    private PartitionHandover.Released revoke(TopicPartition partition) {
        return revoke(partition, Duration.ofSeconds(5));
    }

    private PartitionHandover.Released revoke(TopicPartition partition, Duration patience) {
        try {
            return handover.revoke(List.of(partition), patience);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
