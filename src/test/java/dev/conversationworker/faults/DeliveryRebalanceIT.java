package dev.conversationworker.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.conversationworker.testsupport.GoogleChatSimulator;
import dev.conversationworker.testsupport.Infrastructure;
import dev.conversationworker.testsupport.KafkaTestClient;
import dev.conversationworker.testsupport.Notifications;
import dev.conversationworker.testsupport.Ports;
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
        String run = "delivery-rollout-" + Long.toString(System.currentTimeMillis(), 36);
        Infrastructure infra = Infrastructure.get();
        infra.createTopics(4);
        String topic = run + "-notify";
        String dlq = run + "-dlq";
        infra.createTopics(Map.of(topic, 2, dlq, 1));
        KafkaTestClient kafka = new KafkaTestClient(infra, topic, "conversation-analyses", topic, dlq);
        try (GoogleChatSimulator chat = new GoogleChatSimulator()) {
            String url = chat.space("oncall", "rollout-key", "rollout-token", 5,
                    new GoogleChatSimulator.Faults(0.05, 0.1, 0.02, 0.02));
            Map<String, String> env = new HashMap<>();
            env.put("DELIVERY_ENABLED", "true");
            env.put("WORKER_ANALYSIS_ENABLED", "false");
            env.put("DELIVERY_WEBHOOK_URL", url);
            env.put("DELIVERY_MAX_PER_SECOND", "5");
            env.put("DELIVERY_MAX_DELAY", "10s");
            env.put("DELIVERY_RETRY_INITIAL_BACKOFF", "100ms");
            env.put("DELIVERY_RETRY_MAX_BACKOFF", "2s");
            env.put("DELIVERY_LEASE", "5s");
            env.put("DELIVERY_POLL_INTERVAL", "250ms");
            env.put("DELIVERY_KEY_PREFIX", run);
            env.put("TOPICS_NOTIFICATIONS", topic);
            env.put("TOPICS_NOTIFICATIONS_DEAD_LETTER", dlq);
            env.put("MP_MESSAGING_INCOMING_NOTIFICATION_DELIVERY_GROUP_ID", run);
            List<Path> logs = new ArrayList<>();

            WorkerProcess old = start(infra, env, logs, run);
            WorkerProcess next = null;
            boolean oldStoppedCleanly = false;
            for (int i = 0; i < 300; i++) {
                String conversation = run + "-c" + i;
                String severity = i % 9 == 0 ? "critical" : "high";
                kafka.send(null, conversation.getBytes(StandardCharsets.UTF_8), Notifications.body(conversation,
                        severity, "Summary of " + i).getBytes(StandardCharsets.UTF_8),
                        Notifications.headers(severity, "attention", "attention:" + conversation));
                if (i == 100) {
                    next = start(infra, env, logs, run); // joins: the group rebalances mid-burst
                }
                if (i == 200) {
                    System.out.printf("[delivery-rollout] SIGTERM to the old worker, %d of %d sent delivered%n",
                            covered(chat, run).size(), i + 1);
                    oldStoppedCleanly = old.stopsCleanly(Duration.ofSeconds(35));
                }
                Thread.sleep(25);
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (covered(chat, run).size() < 300 && System.nanoTime() < deadline) {
                Thread.sleep(250);
            }
            Thread.sleep(2000); // anything sent twice would arrive now
            next.close();

            Map<String, Long> covered = covered(chat, run);
            assertThat(oldStoppedCleanly).as("the old worker stopped on SIGTERM within the grace period").isTrue();
            assertThat(covered).as("every conversation delivered").hasSize(300);
            assertThat(covered.entrySet()).as("no conversation in two messages, whatever each worker composed")
                    .allMatch(e -> e.getValue() == 1);
            assertThat(chat.maxCreatedInAnySecond("oncall")).isLessThanOrEqualTo(5);
            assertThat(kafka.records(dlq)).as("nothing dead-lettered").isEmpty();
            assertThat(Files.readString(logs.get(1))).as("the new worker took the space over").contains("CW0719");
            long digests = chat.created("oncall").stream()
                    .filter(c -> Notifications.DIGEST_THREAD.equals(c.threadKey())).count();
            System.out.printf("[delivery-rollout] 300 notifications through a join and a SIGTERM: %d messages (%d "
                    + "digests), %d requests, %d answers lost after creation, %d requestIds repeated%n",
                    chat.created("oncall").size(), digests, chat.requests("oncall"), chat.answersLost(),
                    chat.repeatedRequestIds());
        }
    }

    private static WorkerProcess start(Infrastructure infra, Map<String, String> env, List<Path> logs, String run)
            throws Exception {
        Path log = Path.of("target", run + "-worker-" + (logs.size() + 1) + ".log");
        logs.add(log);
        return WorkerProcess.start(infra, Ports.freePort(), log, env, List.of());
    }

    private static Map<String, Long> covered(GoogleChatSimulator chat, String prefix) {
        return chat.created("oncall").stream().flatMap(c -> Notifications.covered(c).stream())
                .filter(id -> id.startsWith(prefix)).collect(Collectors.groupingBy(Function.identity(),
                        HashMap::new, Collectors.counting()));
    }
}
