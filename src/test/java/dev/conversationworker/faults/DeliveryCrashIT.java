package dev.conversationworker.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
 * The packaged worker, delivery only, killed with SIGKILL while a burst of 300 notifications goes to a webhook that
 * allows 5 messages per second, fails some requests and loses some answers: killed at the worst moment, when Google
 * has created a digest and its answer has not reached the worker. Restarted, it sends that digest again as it was
 * (Google returns the first), so every conversation reaches Chat, none is in two messages whatever their
 * composition, the pace is kept, every message is threaded, and the webhook's key and token are in no log line.
 */
@Tag("faults")
class DeliveryCrashIT {

    private static final String KEY = "AIzaSy-crash-KEY-SECRET-71c2";
    private static final String TOKEN = "crash-TOKEN-SECRET-0b9e";

    @Test
    void aSigkillMidBurstLosesNothingAndDuplicatesNothing() throws Exception {
        String run = "delivery-crash-" + Long.toString(System.currentTimeMillis(), 36);
        Infrastructure infra = Infrastructure.get();
        infra.createTopics(4);
        String topic = run + "-notify";
        String dlq = run + "-dlq";
        infra.createTopics(Map.of(topic, 1, dlq, 1));
        KafkaTestClient kafka = new KafkaTestClient(infra, topic, "conversation-analyses", topic, dlq);
        try (GoogleChatSimulator chat = new GoogleChatSimulator()) {
            String url = chat.space("oncall", KEY, TOKEN, 5, new GoogleChatSimulator.Faults(0.05, 0.1, 0.02, 0.02));
            // The kill comes while the first digest's answer is held: created by Google, unknown to the worker.
            CompletableFuture<GoogleChatSimulator.Created> held = chat.holdAnswer("oncall",
                    c -> Notifications.DIGEST_THREAD.equals(c.threadKey()));
            Map<String, String> env = new HashMap<>();
            env.put("DELIVERY_ENABLED", "true");
            env.put("WORKER_ANALYSIS_ENABLED", "false");
            env.put("DELIVERY_WEBHOOK_URL", url);
            env.put("DELIVERY_MAX_PER_SECOND", "5");
            env.put("DELIVERY_MAX_DELAY", "10s");
            env.put("DELIVERY_RETRY_INITIAL_BACKOFF", "100ms");
            env.put("DELIVERY_RETRY_MAX_BACKOFF", "2s");
            env.put("DELIVERY_KEY_PREFIX", run);
            env.put("TOPICS_NOTIFICATIONS", topic);
            env.put("TOPICS_NOTIFICATIONS_DEAD_LETTER", dlq);
            env.put("MP_MESSAGING_INCOMING_NOTIFICATION_DELIVERY_GROUP_ID", run);
            List<Path> logs = new ArrayList<>();

            WorkerProcess worker = start(infra, env, logs, run);
            Instant start = Instant.now();
            int deliveredAtKill = -1;
            for (int i = 0; i < 300; i++) {
                String conversation = run + "-c" + i;
                String severity = i % 9 == 0 ? "critical" : "high";
                kafka.send(null, conversation.getBytes(StandardCharsets.UTF_8), Notifications.body(conversation,
                        severity, "Summary of " + i).getBytes(StandardCharsets.UTF_8),
                        Notifications.headers(severity, "attention", "attention:" + conversation));
                if (deliveredAtKill < 0 && held.isDone()) {
                    deliveredAtKill = covered(chat, run).size();
                    System.out.printf("[delivery-crash] SIGKILL with a digest created and unanswered, %d of %d sent "
                            + "so far delivered%n", deliveredAtKill, i + 1);
                    worker.kill();
                    worker = start(infra, env, logs, run);
                }
                Thread.sleep(25);
            }
            if (deliveredAtKill < 0) { // the burst was all sent before the first digest: kill at that digest
                held.get(60, TimeUnit.SECONDS);
                deliveredAtKill = covered(chat, run).size();
                System.out.printf("[delivery-crash] SIGKILL with a digest created and unanswered, %d of 300 "
                        + "delivered%n", deliveredAtKill);
                worker.kill();
                worker = start(infra, env, logs, run);
            }
            assertThat(deliveredAtKill).as("the kill landed mid-delivery").isBetween(1, 299);
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (covered(chat, run).size() < 300 && System.nanoTime() < deadline) {
                Thread.sleep(250);
            }
            Duration took = Duration.between(start, Instant.now());
            Thread.sleep(2000); // anything sent twice would arrive now
            String metrics = worker.metrics();
            worker.close();

            Map<String, Long> covered = covered(chat, run);
            assertThat(covered).as("every conversation delivered").hasSize(300);
            assertThat(covered.entrySet()).as("no conversation in two messages, whatever their composition")
                    .allMatch(e -> e.getValue() == 1);
            assertThat(chat.repeats(held.get().requestId())).as("the digest created at the kill, asked for again")
                    .isPositive();
            assertThat(chat.created("oncall")).allMatch(c -> c.replyOptionSet() && c.threadKey() != null);
            assertThat(chat.maxCreatedInAnySecond("oncall")).isLessThanOrEqualTo(5);
            long digests = chat.created("oncall").stream()
                    .filter(c -> Notifications.DIGEST_THREAD.equals(c.threadKey())).count();
            System.out.printf("[delivery-crash] 300 notifications, one SIGKILL: %d delivered in %d s as %d messages "
                    + "(%d digests, the held one covering %d); %d requests, %d answered 429 (%d by the rate), %d 5xx, "
                    + "%d answers lost after creation, %d requestIds repeated%n", covered.size(), took.toSeconds(),
                    chat.created("oncall").size(), digests, Notifications.covered(held.get()).size(),
                    chat.requests("oncall"), chat.answered(429), chat.throttledByRate("oncall"),
                    chat.answered(500) + chat.answered(503), chat.answersLost(), chat.repeatedRequestIds());
            assertThat(Files.readString(logs.get(1))).as("the restarted worker resumed the digest").contains("CW0713");
            for (Path log : logs) {
                assertThat(Files.readString(log)).doesNotContain(KEY).doesNotContain(TOKEN);
            }
            assertThat(metrics).doesNotContain(KEY).doesNotContain(TOKEN);
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
