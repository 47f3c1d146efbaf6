package dev.conversationworker.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.vertx.core.json.JsonObject;

import dev.conversationworker.model.AnalysisRecord;
import dev.conversationworker.model.HistoryEntry;
import dev.conversationworker.model.TriggerType;
import dev.conversationworker.testsupport.Events;
import dev.conversationworker.testsupport.Infrastructure;
import dev.conversationworker.testsupport.IsolatedRun;
import dev.conversationworker.testsupport.RedisInspector;
import dev.conversationworker.testsupport.WorkerProcess;

/**
 * Conversations that never close, with packaged workers sharing one Redis schedule: two workers analyse each idle
 * conversation exactly once (and closed ones never as idle); a worker killed with SIGKILL while conversations wait
 * for their idle time, some of them claimed, loses none of them after a restart. Prints how late the idle analyses
 * came after their timers fell due.
 */
@Tag("faults")
class IdleConversationsIT {

    private static final Duration IDLE = Duration.ofSeconds(4);
    private static final int MESSAGES = 2;

    @Test
    void twoWorkersSharingTheScheduleAnalyseEachIdleConversationOnce() throws Exception {
        Random random = new Random();
        try (IsolatedRun run = new IsolatedRun("idle-two", Infrastructure.get().bootstrapServers(),
                Infrastructure.get().redisHosts(), env("cw-idle-two-"), 4)) {
            run.llm().defaultLatency(model -> 50 + random.nextInt(100));
            List<WorkerProcess> workers = new ArrayList<>();
            try {
                workers.add(run.startWorker());
                workers.add(run.startWorker());
                Map<String, Instant> open = produce(run, "open", 300, false);
                Map<String, Instant> closed = produce(run, "closed", 100, true);

                awaitIdleAnalyses(run, open.keySet(), Duration.ofSeconds(90));
                Thread.sleep(IDLE.toMillis() + 3000); // a second analysis would have come by now
                List<Long> lateness = verifyOnceEach(run, open);
                for (String c : closed.keySet()) {
                    assertThat(run.kafka().values(run.topic("out"), c)).extracting(a -> a.getString("trigger"))
                            .as("analyses of closed " + c).containsExactly("conversation.closed");
                }
                double first = started(workers.get(0));
                double second = started(workers.get(1));
                System.out.printf("[idle-two] %d idle conversations analysed once each by two workers (%.0f + %.0f "
                        + "started), %d closed ones never as idle; %s%n", open.size(), first, second, closed.size(),
                        summary(lateness));
                for (WorkerProcess worker : workers) {
                    String metrics = worker.metrics();
                    double count = WorkerProcess.metric(metrics, "cw_idle_analysis_lateness_seconds_count");
                    System.out.printf("[idle-two] worker: due -> started (cw_idle_analysis_lateness_seconds) mean %.0f"
                            + " ms, max %.0f ms over %.0f; claims lost %.0f; armed now %.0f%n",
                            1000 * WorkerProcess.metric(metrics, "cw_idle_analysis_lateness_seconds_sum") / count,
                            1000 * WorkerProcess.metric(metrics, "cw_idle_analysis_lateness_seconds_max"), count,
                            WorkerProcess.metric(metrics, "cw_idle_claims_lost_total"),
                            WorkerProcess.metric(metrics, "cw_conversations_armed "));
                }
                long analyses = open.keySet().stream().mapToLong(c -> run.kafka().records(run.topic("out"), c).size())
                        .sum();
                assertThat(first + second).as("idle analyses started by both = published").isEqualTo(analyses);
                redisWorkPerPoll(workers.size());
            } finally {
                workers.forEach(WorkerProcess::close);
            }
        }
    }

    @Test
    void aWorkerKilledWhileConversationsWaitForTheirIdleTimeLosesNone() throws Exception {
        Random random = new Random();
        try (IsolatedRun run = new IsolatedRun("idle-kill", Infrastructure.get().bootstrapServers(),
                Infrastructure.get().redisHosts(), env("cw-idle-kill-"), 4)) {
            run.llm().defaultLatency(model -> 200 + random.nextInt(200));
            WorkerProcess worker = run.startWorker();
            Map<String, Instant> open = produce(run, "open", 300, false);
            // SIGKILL once the first idle analyses are out: the rest are pending or claimed, mid-analysis.
            Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
            while (analysed(run, open.keySet()) == 0 && Instant.now().isBefore(deadline)) {
                Thread.sleep(50);
            }
            int before = analysed(run, open.keySet());
            assertThat(before).as("the kill must land mid-run").isLessThan(open.size());
            worker.kill();
            System.out.printf("[idle-kill] SIGKILL with %d of %d idle conversations analysed%n", before, open.size());

            try (WorkerProcess restarted = run.startWorker()) {
                // Claims of the dead worker come back when their lease (6 s here, no longer renewed) ends.
                awaitIdleAnalyses(run, open.keySet(), Duration.ofSeconds(90));
            }
            int repeats = 0;
            for (String c : open.keySet()) {
                List<JsonObject> analyses = run.kafka().values(run.topic("out"), c);
                assertThat(analyses).as("analyses of " + c).isNotEmpty().allSatisfy(a -> {
                    assertThat(a.getString("analysisId"))
                            .isEqualTo(AnalysisRecord.analysisId(c, c + "-m" + (MESSAGES - 1),
                                    TriggerType.CONVERSATION_IDLE));
                    assertThat(a.getInteger("messageCount")).isEqualTo(MESSAGES);
                });
                repeats += analyses.size() - 1;
            }
            System.out.printf("[idle-kill] %d idle conversations, SIGKILL, restart: none lost, %d repeated with equal "
                    + "ids%n", open.size(), repeats);
            verifyHistories(run, open.keySet());
        }
    }

    private static Map<String, String> env(String prefix) {
        return Map.of("HISTORY_KEY_PREFIX", prefix + System.nanoTime(), "ANALYSIS_IDLE_AFTER", IDLE.toSeconds() + "s",
                "ANALYSIS_POLL_INTERVAL", "200ms", "ANALYSIS_LEASE", "10s", "ANALYSIS_IDLE_LEASE", "6s",
                "LLM_DEADLINE", "5s",
                "WORKER_MAX_IN_FLIGHT", "64");
    }

    /**
     * Conversations of {@link #MESSAGES} messages (and a close if asked), each sent back to back (so that no
     * conversation is idle between its own messages, even on a loaded machine); when each last was sent.
     */
    private static Map<String, Instant> produce(IsolatedRun run, String label, int count, boolean close) {
        Map<String, Instant> lastSent = new HashMap<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(run.topic(label) + "-c" + i);
        }
        for (String c : ids) {
            for (int m = 0; m <= MESSAGES; m++) {
                if (m < MESSAGES) {
                    run.kafka().sendAsync(c, Events.message(c + "-m" + m, c, "user", "line " + m).encode());
                } else if (close) {
                    run.kafka().sendAsync(c, Events.closed(c + "-close", c).encode());
                }
            }
        }
        run.kafka().flush();
        Instant sent = Instant.now();
        ids.forEach(c -> lastSent.put(c, sent));
        return lastSent;
    }

    private static int analysed(IsolatedRun run, Iterable<String> conversations) {
        int count = 0;
        for (String c : conversations) {
            if (!run.kafka().records(run.topic("out"), c).isEmpty()) {
                count++;
            }
        }
        return count;
    }

    private static void awaitIdleAnalyses(IsolatedRun run, java.util.Set<String> conversations, Duration patience)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(patience);
        while (analysed(run, conversations) < conversations.size() && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
        }
        assertThat(analysed(run, conversations)).as("idle conversations analysed within " + patience)
                .isEqualTo(conversations.size());
    }

    /**
     * Each idle analysis exactly once (no id twice), the one of the last message with every message, not before
     * its idle time; returns each one's lateness (ms).
     */
    private static List<Long> verifyOnceEach(IsolatedRun run, Map<String, Instant> open) {
        List<Long> lateness = new ArrayList<>();
        for (Map.Entry<String, Instant> entry : open.entrySet()) {
            String c = entry.getKey();
            List<JsonObject> analyses = run.kafka().values(run.topic("out"), c);
            assertThat(analyses).extracting(a -> a.getString("analysisId")).as("analyses of " + c)
                    .doesNotHaveDuplicates();
            assertThat(analyses).extracting(a -> a.getString("trigger"))
                    .containsOnly(TriggerType.CONVERSATION_IDLE.wireName());
            // On a loaded machine a conversation may fall idle between its own two messages: that is a real idle
            // analysis (of the first message); the one of the last message must be there, once.
            JsonObject analysis = analyses.stream()
                    .filter(a -> a.getString("triggerEventId").equals(c + "-m" + (MESSAGES - 1))).findFirst()
                    .orElseThrow(() -> new AssertionError("no idle analysis of the last message of " + c));
            assertThat(analysis.getString("triggerEventId")).isEqualTo(c + "-m" + (MESSAGES - 1));
            assertThat(analysis.getInteger("messageCount")).isEqualTo(MESSAGES);
            // The timer is armed when the last message is stored, after it was sent.
            long late = Duration.between(entry.getValue().plus(IDLE), Instant.parse(analysis.getString("analyzedAt")))
                    .toMillis();
            assertThat(late).as("analysed after the idle time: " + c).isNotNegative();
            lateness.add(late);
        }
        return lateness;
    }

    private static void verifyHistories(IsolatedRun run, Iterable<String> conversations) throws Exception {
        try (RedisInspector redis = new RedisInspector(Infrastructure.get().redisHosts(),
                run.env("HISTORY_KEY_PREFIX"))) {
            for (String c : conversations) {
                assertThat(redis.history(c)).extracting(HistoryEntry::eventId).containsExactly(c + "-m0", c + "-m1");
            }
        }
    }

    /**
     * Redis work of the idle polls with nothing due, from {@code INFO commandstats} over a few seconds: what every
     * instance costs Redis even when no conversation is idle (the other command counts stay put meanwhile).
     */
    private static void redisWorkPerPoll(int instances) throws Exception {
        try (RedisInspector redis = new RedisInspector(Infrastructure.get().redisHosts(), "cw")) {
            Map<String, Long> before = redis.commandCalls();
            Duration window = Duration.ofSeconds(5);
            Thread.sleep(window.toMillis());
            Map<String, Long> after = redis.commandCalls();
            double polls = instances * window.toMillis() / 200.0; // ANALYSIS_POLL_INTERVAL=200ms
            StringBuilder perPoll = new StringBuilder();
            for (Map.Entry<String, Long> entry : after.entrySet()) {
                long delta = entry.getValue() - before.getOrDefault(entry.getKey(), 0L);
                if (delta > 0) {
                    perPoll.append(String.format(" %s %.1f", entry.getKey(), delta / polls));
                }
            }
            System.out.printf("[idle-two] Redis commands per idle poll with nothing due (INFO commandstats over %d s,"
                    + " %d instances, 200 ms polls; also the waiting room's and health checks'):%s%n",
                    window.toSeconds(), instances, perPoll);
        }
    }

    private static double started(WorkerProcess worker) throws Exception {
        return WorkerProcess.metric(worker.metrics(), "cw_idle_analyses_started_total");
    }

    private static String summary(List<Long> lateness) {
        List<Long> sorted = lateness.stream().sorted().toList();
        return String.format("analysed after the idle time, late by (ms, analyzedAt - last send - idle-after): "
                + "min %d, p50 %d, p95 %d, p99 %d, max %d", sorted.get(0), sorted.get(sorted.size() / 2),
                sorted.get((int) (sorted.size() * 0.95)), sorted.get((int) (sorted.size() * 0.99)),
                sorted.get(sorted.size() - 1));
    }
}
