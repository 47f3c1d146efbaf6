package dev.conversationworker.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.conversationworker.testsupport.DeliverySettings;
import dev.conversationworker.testsupport.GoogleChatSimulator;
import dev.conversationworker.testsupport.WorkerProcess;

/**
 * Delivery through a rollout, as Kubernetes does one: packaged workers, delivery only, on a notifications topic of two
 * partitions; during a burst of 300 notifications to one space (5 messages per second, some requests failing, some
 * answers lost), a second worker joins (a rebalance moves a partition to it), then the first is stopped with SIGTERM
 * (the rest moves). Every conversation reaches Chat in exactly one message, whichever worker parked or sent it and
 * whatever digests each composed; the pace holds; the old worker stops within the grace period; the new one takes
 * the space over.
 */
@Tag("faults")
class DeliveryRebalanceIT {

    @Test
    void aRolloutMidBurstLosesNothingAndPutsNoConversationInTwoMessages() throws Exception {
        DeliveryBurst burst = new DeliveryBurst("delivery-rollout", 2);
        try (GoogleChatSimulator chat = new GoogleChatSimulator()) {
            DeliverySettings settings = burst.settings(DeliveryBurst.space(chat, "rollout-key", "rollout-token"))
                    .delivery("lease", "5s").delivery("poll-interval", "250ms");

            WorkerProcess old = burst.start(settings);
            WorkerProcess next = null;
            boolean oldStoppedCleanly = false;
            for (int i = 0; i < 300; i++) {
                burst.sendNotification(i);
                if (i == 100) {
                    next = burst.start(settings); // joins: the group rebalances mid-burst
                }
                if (i == 200) {
                    System.out.printf("[delivery-rollout] SIGTERM to the old worker, %d of %d sent delivered%n",
                            burst.covered(chat).size(), i + 1);
                    oldStoppedCleanly = old.stopsCleanly(Duration.ofSeconds(35));
                }
                Thread.sleep(25);
            }
            burst.awaitCovered(chat, 300, Duration.ofSeconds(120));
            Thread.sleep(2000); // anything sent twice would arrive now
            next.close();

            Map<String, Long> covered = burst.covered(chat);
            assertThat(oldStoppedCleanly).as("the old worker stopped on SIGTERM within the grace period").isTrue();
            assertThat(covered).as("every conversation delivered").hasSize(300);
            assertThat(covered.entrySet()).as("no conversation in two messages, whatever each worker composed")
                    .allMatch(e -> e.getValue() == 1);
            assertThat(chat.maxCreatedInAnySecond("oncall")).isLessThanOrEqualTo(5);
            assertThat(burst.kafka.records(burst.dlq)).as("nothing dead-lettered").isEmpty();
            assertThat(Files.readString(burst.logs.get(1))).as("the new worker took the space over")
                    .contains("CW0719");
            System.out.printf("[delivery-rollout] 300 notifications through a join and a SIGTERM: %d messages (%d "
                    + "digests), %d requests, %d answers lost after creation, %d requestIds repeated%n",
                    chat.created("oncall").size(), burst.digests(chat), chat.requests("oncall"), chat.answersLost(),
                    chat.repeatedRequestIds());
        }
    }
}
