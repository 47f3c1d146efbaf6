package dev.conversationworker.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.conversationworker.model.AnalysisRecord;
import dev.conversationworker.model.TriggerType;
import dev.conversationworker.ops.ShutdownBudget;
import dev.conversationworker.testsupport.Events;
import dev.conversationworker.testsupport.GoogleChatSimulator;
import dev.conversationworker.testsupport.Infrastructure;
import dev.conversationworker.testsupport.IsolatedRun;
import dev.conversationworker.testsupport.Notifications;
import dev.conversationworker.testsupport.WorkerProcess;

/**
 * What every release and every scale event does, with a backlog in flight: three packaged workers, then a rolling
 * restart as Kubernetes runs it (a new worker started and ready, then an old one SIGTERMed; three times), then a
 * scale-in (one SIGTERMed, none started), under steady traffic. Each moves partitions while analyses run on them (the LLM takes 2.5 to 5
 * seconds, longer than a rebalance). Nothing is lost, every new worker becomes ready, every worker stops within its grace period, and no
 * analysis is published twice: a partition that moves is handed over only once what ran on it has finished and
 * been committed.
 */
@Tag("faults")
class RollingRestartIT {

    /** New conversations per second, all through the run: every partition has analyses running when it moves. */
    private static final int PER_SECOND = 8;
    /** The manifests' grace period covers this (DeployManifestsTest); the workers run the default drain. */
    private static final Duration GRACE = new ShutdownBudget(Duration.ofSeconds(20)).total();
    private static final Pattern WAITED = Pattern.compile("CW0107: .* waited (\\d+) ms");

    @Test
    void aRollingRestartAndAScaleInRepeatNothingThatFinished() throws Exception {
        Random random = new Random();
        try (IsolatedRun run = new IsolatedRun("rolling", Infrastructure.get().bootstrapServers(),
                Infrastructure.get().redisHosts(), Map.of("WORKER_MAX_IN_FLIGHT", "16"), 6)) {
            // Longer than a rebalance takes: what runs when partitions move is still running when the new owner starts.
            run.llm().defaultLatency(model -> 2500 + random.nextInt(2500));
            Deque<WorkerProcess> workers = new ArrayDeque<>();
            AtomicBoolean producing = new AtomicBoolean(true);
            Thread traffic = new Thread(() -> {
                while (producing.get()) {
                    run.produce(PER_SECOND, 2);
                    LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
                }
            }, "rolling-traffic");
            try {
                rollOutUnderTraffic(run, workers, traffic, producing);
                int repeats = run.verifyNothingLostNothingDoubled();
                long waitedFor = run.logs().stream().mapToLong(RollingRestartIT::handoversThatWaited).sum();
                System.out.printf("[rolling] %d conversations over a rolling restart of 3 workers and a scale-in: "
                        + "none lost, %d analyses published twice; %d partition handovers waited for running "
                        + "analyses%n", run.conversations().size(), repeats, waitedFor);
                assertThat(repeats).as("analyses published twice").isZero();
            } finally {
                producing.set(false);
                workers.forEach(WorkerProcess::close);
            }
        }
    }

    /**
     * Everything on, as in production: idle triggers (an LLM whose slow tail outlives the idle lease), delivery to a
     * Google Chat space, and traffic of closed, open (idle) and attention conversations, through the same rolling
     * restart and scale-in. No analysis published twice, idle or not; every attention conversation in exactly one
     * Chat message.
     */
    @Test
    void withIdleTriggersAndDeliveryOnARolloutPublishesNothingTwiceAndPagesNoConversationTwice() throws Exception {
        Random random = new Random();
        Infrastructure infra = Infrastructure.get();
        String notificationDeadLetters = "rolling-all-ndlq-" + Long.toString(System.nanoTime(), 36);
        infra.createTopics(Map.of(notificationDeadLetters, 1));
        try (GoogleChatSimulator chat = new GoogleChatSimulator()) {
            String webhook = chat.space("oncall", "rolling-key", "rolling-token", 20, GoogleChatSimulator.Faults.NONE);
            Map<String, String> env = new HashMap<>(Map.of("WORKER_MAX_IN_FLIGHT", "16", "ANALYSIS_IDLE_AFTER", "3s",
                    "ANALYSIS_POLL_INTERVAL", "200ms", "ANALYSIS_IDLE_LEASE", "3s", "DELIVERY_ENABLED", "true",
                    "DELIVERY_WEBHOOK_URL", webhook, "DELIVERY_MAX_PER_SECOND", "20", "DELIVERY_LEASE", "5s",
                    "DELIVERY_POLL_INTERVAL", "250ms"));
            env.put("TOPICS_NOTIFICATIONS_DEAD_LETTER", notificationDeadLetters);
            // Delivery's own group and Redis keys, so that no other run's state is met.
            env.put("MP_MESSAGING_INCOMING_NOTIFICATION_DELIVERY_GROUP_ID", notificationDeadLetters);
            env.put("DELIVERY_KEY_PREFIX", notificationDeadLetters);
            try (IsolatedRun run = new IsolatedRun("rolling-all", infra.bootstrapServers(), infra.redisHosts(),
                    env, 6)) {
                // A tenth of the calls outlive two idle leases: an idle claim must hold through them.
                run.llm().defaultLatency(model -> random.nextInt(10) == 0
                        ? 6000 + random.nextInt(2000)
                        : 300 + random.nextInt(500));
                List<String> open = new CopyOnWriteArrayList<>();
                List<String> attention = new CopyOnWriteArrayList<>();
                AtomicBoolean producing = new AtomicBoolean(true);
                Thread traffic = new Thread(() -> {
                    int n = 0;
                    while (producing.get()) {
                        run.produce(4, 2);
                        for (int i = 0; i < 2; i++, n++) {
                            String c = run.topic("open-" + n);
                            run.kafka().sendAsync(c, Events.message(c + "-m0", c, "user", "Where is my parcel?")
                                    .encode());
                            run.kafka().sendAsync(c, Events.message(c + "-m1", c, "assistant", "Let me look.")
                                    .encode());
                            open.add(c);
                        }
                        String c = run.topic("attention-" + n++);
                        run.kafka().sendAsync(c, Events.message(c + "-m0", c, "user", "I want a refund, now!")
                                .encode());
                        run.kafka().sendAsync(c, Events.closed(c + "-close", c).encode());
                        attention.add(c);
                        run.kafka().flush();
                        LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
                    }
                }, "rolling-all-traffic");
                Map<String, String> expected = new HashMap<>();
                Deque<WorkerProcess> workers = new ArrayDeque<>();
                try {
                    rollOutUnderTraffic(run, workers, traffic, producing);
                    open.forEach(c -> expected.put(c,
                            AnalysisRecord.analysisId(c, c + "-m1", TriggerType.CONVERSATION_IDLE)));
                    attention.forEach(c -> expected.put(c, AnalysisRecord.analysisId(c, c + "-close")));
                    await(Duration.ofMinutes(3), () -> expected.entrySet().stream().allMatch(e -> run.kafka()
                            .values(run.topic("out"), e.getKey()).stream()
                            .anyMatch(a -> e.getValue().equals(a.getString("analysisId")))));
                    awaitQuietly(Duration.ofMinutes(2), () -> paged(chat, attention).keySet().containsAll(attention));
                    List<String> unpaged = attention.stream().filter(c -> !paged(chat, attention).containsKey(c))
                            .toList();
                    for (String c : unpaged) {
                        System.out.printf("[rolling-all] not paged: %s: analyses %s; notification records %d%n", c,
                                run.kafka().values(run.topic("out"), c).stream()
                                        .map(a -> a.getString("status") + "/" + a.getJsonObject("result", null))
                                        .toList(),
                                run.kafka().records(run.topic("notify"), c).size());
                    }
                    assertThat(unpaged).as("attention conversations not in any Chat message").isEmpty();
                    Thread.sleep(3000); // anything published or sent twice would be there by now
                } finally {
                    producing.set(false);
                    workers.forEach(WorkerProcess::close);
                }

                int repeats = run.verifyNothingLostNothingDoubled();
                List<String> ids = new ArrayList<>();
                List<String> earlierIdle = new ArrayList<>();
                Stream.concat(open.stream(), attention.stream()).forEach(c -> {
                    for (var a : run.kafka().values(run.topic("out"), c)) {
                        ids.add(a.getString("analysisId"));
                        if (!a.getString("analysisId").equals(expected.get(c))) {
                            earlierIdle.add(c + " " + a.getString("trigger") + " " + a.getString("triggerEventId"));
                        }
                    }
                });
                Map<String, Long> pages = paged(chat, attention);
                System.out.printf("[rolling-all] %d closed, %d idle, %d attention conversations through a rolling "
                        + "restart and a scale-in, idle triggers and delivery on: %d closing analyses published "
                        + "twice, %d idle or attention ones; %d idle analyses of an earlier message %s; %d Chat "
                        + "messages%n", run.conversations().size(), open.size(), attention.size(), repeats,
                        ids.size() - new HashSet<>(ids).size(), earlierIdle.size(), earlierIdle,
                        chat.created("oncall").size());
                assertThat(repeats).as("closing analyses published twice").isZero();
                assertThat(ids).as("idle and attention analyses, each once").doesNotHaveDuplicates();
                // A partition that moves between a conversation's first and next message can leave the first one
                // idle for longer than the idle timeout: its idle analysis is a different analysis (of m0), not a
                // repeat. Nothing else may be published.
                assertThat(earlierIdle).as("analyses other than the expected one")
                        .allMatch(line -> line
                                .endsWith(TriggerType.CONVERSATION_IDLE.wireName() + " " + line.split(" ")[0] + "-m0"));
                assertThat(pages).as("attention conversations paged").containsOnlyKeys(attention);
                assertThat(pages.values()).as("no conversation in two Chat messages").allMatch(n -> n == 1);
            }
        }
    }

    /**
     * How many Chat messages cover each of {@code conversations}: a message of its own (threaded by a key derived
     * from its id, as the worker derives it) or a line of a digest.
     */
    private static Map<String, Long> paged(GoogleChatSimulator chat, List<String> conversations) {
        Map<String, String> byThread = new HashMap<>();
        conversations.forEach(c -> byThread.put(
                "conversation-" + UUID.nameUUIDFromBytes(c.getBytes(StandardCharsets.UTF_8)), c));
        Map<String, Long> paged = new HashMap<>();
        for (GoogleChatSimulator.Created message : chat.created("oncall")) {
            String own = byThread.get(message.threadKey());
            List<String> covered = own != null
                    ? List.of(own)
                    : Notifications.covered(message).stream().filter(conversations::contains).toList();
            covered.forEach(c -> paged.merge(c, 1L, Long::sum));
        }
        return paged;
    }

    private static void await(Duration patience, BooleanSupplier done) throws InterruptedException {
        awaitQuietly(patience, done);
        assertThat(done.getAsBoolean()).as("done within " + patience).isTrue();
    }

    private static void awaitQuietly(Duration patience, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
    }

    /**
     * Three workers started, then, with {@code traffic} running, {@link #rollOutThenScaleIn}; then the traffic stopped
     * and every trigger produced analysed.
     */
    private static void rollOutUnderTraffic(IsolatedRun run, Deque<WorkerProcess> workers, Thread traffic,
            AtomicBoolean producing) throws Exception {
        for (int i = 0; i < 3; i++) {
            workers.add(run.startWorker());
        }
        traffic.start();
        rollOutThenScaleIn(run, workers);
        producing.set(false);
        traffic.join();
        run.awaitAllAnalysed(Duration.ofMinutes(4));
    }

    /**
     * As Kubernetes rolls out three replicas, then KEDA scales in by one: three times a new worker started (it must
     * become ready) and, once the group has rebalanced with analyses in flight, the oldest SIGTERMed; then one more
     * SIGTERMed. Each must stop within the grace period.
     */
    private static void rollOutThenScaleIn(IsolatedRun run, Deque<WorkerProcess> workers) throws Exception {
        Thread.sleep(5000);
        for (int step = 1; step <= 3; step++) {
            workers.add(run.startWorker());
            Thread.sleep(5000);
            assertThat(workers.removeFirst().stopsCleanly(GRACE))
                    .as("old worker of step %d stops within the grace period", step).isTrue();
        }
        assertThat(workers.removeFirst().stopsCleanly(GRACE)).as("scale-in within the grace period").isTrue();
    }

    /** The handovers (CW0107) in a worker's log that waited for analyses running on the partitions that moved. */
    private static long handoversThatWaited(Path log) {
        try (Stream<String> lines = Files.lines(log)) {
            return lines.map(WAITED::matcher).filter(Matcher::find)
                    .filter(waited -> Long.parseLong(waited.group(1)) >= 100).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
