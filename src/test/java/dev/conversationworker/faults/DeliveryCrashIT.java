package dev.conversationworker.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
import dev.conversationworker.testsupport.WorkerProcess;

/**
 * The packaged worker, delivery only, killed with SIGKILL while a burst of 300 notifications goes to a webhook that
 * allows 5 messages per second and fails some requests, then restarted: every conversation reaches Chat, none has
 * its own card twice, and the webhook's key and token are in no log line. One gap is left open: a digest in flight
 * at the kill can be sent again in another composition (see the assertion).
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
            String url = chat.space("oncall", KEY, TOKEN, 5, new GoogleChatSimulator.Faults(0.05, 0.1, 0.02));
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
            for (int i = 0; i < 300; i++) {
                String conversation = run + "-c" + i;
                String severity = i % 9 == 0 ? "critical" : "high";
                kafka.send(null, conversation.getBytes(StandardCharsets.UTF_8), Notifications.body(conversation,
                        severity, "Summary of " + i).getBytes(StandardCharsets.UTF_8),
                        Notifications.headers(severity, "attention", "attention:" + conversation));
                if (i == 120) {
                    int delivered = covered(chat, run).size();
                    System.out.printf("[delivery-crash] SIGKILL with %d of 121 sent so far delivered%n", delivered);
                    worker.kill();
                    worker = start(infra, env, logs, run);
                }
                Thread.sleep(25);
            }
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
            Map<String, Long> alone = covered(chat, run, false);
            assertThat(alone.values()).as("no conversation's own card created twice").allMatch(count -> count == 1);
            // Known gap (issue 11, left open): a digest whose POST was in flight when the worker died may have been
            // created, and the next owner sends its notifications again in a digest of another composition (a
            // requestId covers one composition). At most one digest's worth, 100 notifications, can repeat.
            long repeated = covered.values().stream().filter(count -> count > 1).count();
            assertThat(covered.values()).as("no conversation more than twice").allMatch(count -> count <= 2);
            assertThat(repeated).as("repeats: at most the one digest in flight at the kill").isLessThanOrEqualTo(100);
            System.out.printf("[delivery-crash] conversations in a digest sent again after the kill: %d%n", repeated);
            assertThat(chat.created("oncall")).allMatch(c -> c.replyOptionSet() && c.threadKey() != null);
            assertThat(chat.maxCreatedInAnySecond("oncall")).isLessThanOrEqualTo(5);
            long digests = chat.created("oncall").stream()
                    .filter(c -> Notifications.DIGEST_THREAD.equals(c.threadKey())).count();
            System.out.printf("[delivery-crash] 300 notifications, one SIGKILL: delivered in %d s as %d messages "
                    + "(%d digests); %d requests, %d answered 429 (%d by the rate), %d 5xx, %d requestIds "
                    + "repeated%n", took.toSeconds(), chat.created("oncall").size(), digests, chat.requests("oncall"),
                    chat.answered(429), chat.throttledByRate("oncall"), chat.answered(500) + chat.answered(503),
                    chat.repeatedRequestIds());
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
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        return WorkerProcess.start(infra, port, log, env, List.of());
    }

    private static Map<String, Long> covered(GoogleChatSimulator chat, String prefix) {
        return chat.created("oncall").stream().flatMap(c -> Notifications.covered(c).stream())
                .filter(id -> id.startsWith(prefix)).collect(Collectors.groupingBy(Function.identity(),
                        HashMap::new, Collectors.counting()));
    }

    /** Conversations covered by digests ({@code digests} true) or by cards of their own. */
    private static Map<String, Long> covered(GoogleChatSimulator chat, String prefix, boolean digests) {
        return chat.created("oncall").stream()
                .filter(c -> Notifications.DIGEST_THREAD.equals(c.threadKey()) == digests)
                .flatMap(c -> Notifications.covered(c).stream())
                .filter(id -> id.startsWith(prefix)).collect(Collectors.groupingBy(Function.identity(),
                        HashMap::new, Collectors.counting()));
    }
}
