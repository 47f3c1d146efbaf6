package dev.conversationworker.faults;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import dev.conversationworker.testsupport.DeliverySettings;
import dev.conversationworker.testsupport.GoogleChatSimulator;
import dev.conversationworker.testsupport.Infrastructure;
import dev.conversationworker.testsupport.KafkaTestClient;
import dev.conversationworker.testsupport.Notifications;
import dev.conversationworker.testsupport.Ports;
import dev.conversationworker.testsupport.WorkerProcess;

/**
 * What the delivery fault tests share: a run of packaged delivery-only workers on a notifications topic and a
 * consumer group of its own, a burst of attention notifications (one conversation each, every ninth critical) to
 * the space {@code oncall}, which allows 5 messages per second, and which conversations Chat received how often.
 */
final class DeliveryBurst {

    static final String SPACE = "oncall";
    static final int PER_SECOND = 5;

    final String run;
    final String topic;
    final String dlq;
    final KafkaTestClient kafka;
    final List<Path> logs = new ArrayList<>();
    private final Infrastructure infra = Infrastructure.get();

    DeliveryBurst(String label, int partitions) {
        run = label + "-" + Long.toString(System.currentTimeMillis(), 36);
        topic = run + "-notify";
        dlq = run + "-dlq";
        infra.createTopics(4);
        infra.createTopics(Map.of(topic, partitions, dlq, 1));
        kafka = new KafkaTestClient(infra, topic, "conversation-analyses", topic, dlq);
    }

    /** The space {@code oncall} on the simulator: some requests fail, some answers are lost. */
    static String space(GoogleChatSimulator chat, String key, String token) {
        return chat.space(SPACE, key, token, PER_SECOND, new GoogleChatSimulator.Faults(0.05, 0.1, 0.02, 0.02));
    }

    /** The settings of this run's workers: at the space's pace, digests within 10 s, quick retries. */
    DeliverySettings settings(String webhookUrl) {
        return DeliverySettings.deliveryOnly(webhookUrl, PER_SECOND, "10s").retries("100ms", "2s")
                .run(run, topic, dlq, run);
    }

    /** Starts one more worker, with its log in {@code target/<run>-worker-<n>.log}. */
    WorkerProcess start(DeliverySettings settings) throws Exception {
        Path log = Path.of("target", run + "-worker-" + (logs.size() + 1) + ".log");
        logs.add(log);
        return WorkerProcess.start(infra, Ports.freePort(), log, settings.env(), List.of());
    }

    /** Sends the {@code i}th notification of the burst. */
    void sendNotification(int i) {
        String conversation = run + "-c" + i;
        String severity = i % 9 == 0 ? "critical" : "high";
        kafka.send(null, conversation.getBytes(StandardCharsets.UTF_8), Notifications.body(conversation,
                severity, "Summary of " + i).getBytes(StandardCharsets.UTF_8),
                Notifications.headers(severity, "attention", "attention:" + conversation));
    }

    /** Waits, at most {@code atMost}, until {@code count} conversations reached Chat. */
    void awaitCovered(GoogleChatSimulator chat, int count, Duration atMost) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (covered(chat).size() < count && System.nanoTime() < deadline) {
            Thread.sleep(250);
        }
    }

    /** How many messages in the space covered each conversation of this run. */
    Map<String, Long> covered(GoogleChatSimulator chat) {
        return chat.created(SPACE).stream().flatMap(c -> Notifications.covered(c).stream())
                .filter(id -> id.startsWith(run)).collect(Collectors.groupingBy(Function.identity(),
                        HashMap::new, Collectors.counting()));
    }

    /** How many of the messages in the space are digests. */
    long digests(GoogleChatSimulator chat) {
        return chat.created(SPACE).stream().filter(c -> Notifications.DIGEST_THREAD.equals(c.threadKey())).count();
    }
}
