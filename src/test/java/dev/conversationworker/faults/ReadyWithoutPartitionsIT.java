package dev.conversationworker.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.conversationworker.testsupport.GoogleChatSimulator;
import dev.conversationworker.testsupport.Infrastructure;
import dev.conversationworker.testsupport.IsolatedRun;
import dev.conversationworker.testsupport.WorkerProcess;

/**
 * A rollout or a scale-out with more instances than partitions: two packaged workers, analysis and delivery on, in
 * one consumer group on a one-partition input topic and a one-partition notifications topic, so that one of them
 * owns no partition of either. Both are ready (a Deployment's rollout completes, a Service reaches both), and stay
 * so; readiness still turns DOWN when an input topic disappears from the broker.
 */
@Tag("faults")
class ReadyWithoutPartitionsIT {

    @Test
    void anInstanceThatOwnsNoPartitionIsReadyAndAMissingTopicStillMakesItNotReady() throws Exception {
        Infrastructure infra = Infrastructure.get();
        try (GoogleChatSimulator chat = new GoogleChatSimulator()) {
            String deliveryGroup = "ready-delivery-" + System.nanoTime();
            Map<String, String> env = new HashMap<>();
            env.put("DELIVERY_ENABLED", "true");
            env.put("DELIVERY_WEBHOOK_URL", chat.space("oncall", "AIzaSy-ready-KEY", "ready-TOKEN", 60,
                    GoogleChatSimulator.Faults.NONE));
            env.put("DELIVERY_KEY_PREFIX", deliveryGroup);
            env.put("MP_MESSAGING_INCOMING_NOTIFICATION_DELIVERY_GROUP_ID", deliveryGroup);
            try (IsolatedRun run = new IsolatedRun("ready", infra.bootstrapServers(), infra.redisHosts(), env, 1)) {
                // A deleted topic stays deleted: the consumer does not create it again, as on a production broker.
                List<String> noAutoCreate = List
                        .of("-Dmp.messaging.incoming.chat-events.allow.auto.create.topics=false");
                WorkerProcess first = run.startWorker(noAutoCreate);
                try (WorkerProcess second = run.startWorker(noAutoCreate)) { // waits until ready
                    try (Admin admin = Admin.create(infra.kafkaClientProperties())) {
                        String inputGroup = run.env("MP_MESSAGING_INCOMING_CHAT_EVENTS_GROUP_ID");
                        awaitOneMemberWithoutPartitions(admin, inputGroup);
                        awaitOneMemberWithoutPartitions(admin, deliveryGroup);

                        // Ready, and staying so: not a moment between two rebalances.
                        Instant until = Instant.now().plus(Duration.ofSeconds(8));
                        while (Instant.now().isBefore(until)) {
                            assertThat(first.httpStatus("/q/health/ready")).as("first worker ready").isEqualTo(200);
                            assertThat(second.httpStatus("/q/health/ready")).as("second worker ready")
                                    .isEqualTo(200);
                            Thread.sleep(500);
                        }
                        System.out.printf("[ready] two workers, one partition per topic: both ready for 8 s%n");

                        admin.deleteTopics(List.of(run.topic("in"))).all().get();
                        first.awaitStatus("/q/health/ready", 503, Duration.ofSeconds(30));
                        second.awaitStatus("/q/health/ready", 503, Duration.ofSeconds(30));
                        System.out.printf("[ready] input topic deleted: both not ready%n");
                    }
                } finally {
                    first.close();
                }
            }
        }
    }

    /** Waits until the group has two members and only one of them owns the topic's one partition. */
    private static void awaitOneMemberWithoutPartitions(Admin admin, String group) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        List<Integer> owned = List.of();
        while (Instant.now().isBefore(deadline)) {
            ConsumerGroupDescription description = admin.describeConsumerGroups(Set.of(group)).all().get()
                    .get(group);
            owned = description.members().stream().map(MemberDescription::assignment)
                    .map(assignment -> assignment.topicPartitions().size()).sorted().toList();
            if (owned.equals(List.of(0, 1))) {
                return;
            }
            Thread.sleep(250);
        }
        assertThat(owned).as("partitions owned by each member of " + group).containsExactly(0, 1);
    }
}
