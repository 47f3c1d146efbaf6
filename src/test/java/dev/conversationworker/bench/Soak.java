package dev.conversationworker.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

import dev.conversationworker.bench.SoakReport.Backlog;
import dev.conversationworker.testsupport.GoogleChatSimulator;
import dev.conversationworker.testsupport.Infrastructure;
import dev.conversationworker.testsupport.LlmSimulator;
import dev.conversationworker.testsupport.WorkerHeap;
import dev.conversationworker.testsupport.WorkerProcess;

/**
 * S5, the soak: one packaged worker with every feature on (idle triggers, attention notifications, delivery to a
 * Google Chat simulator) under steady traffic of every kind ({@link SoakTraffic}) for {@link SoakSettings#length()},
 * with the LLM answering 503 during the outages of {@link SoakSettings#outages()}. Samples the worker's heap after a
 * full GC, RSS, threads, Redis memory and the consumer lags ({@link SoakSample}); the report gives their slopes and
 * each outage's recovery ({@link SoakReport}); the samples also go to {@code target/<run>-soak.csv}.
 */
final class Soak {

    private static final Duration LAG_EVERY = Duration.ofSeconds(5);
    private static final Duration TICK = Duration.ofMillis(250);

    private final Infrastructure infra;
    private final LlmSimulator llm;
    private final String id;
    private final int httpPort;
    private final SoakSettings settings;
    private final List<SoakSample> samples = new ArrayList<>();
    private final List<Backlog> lags = new ArrayList<>();

    Soak(Infrastructure infra, LlmSimulator llm, String id, int httpPort, SoakSettings settings) {
        this.infra = infra;
        this.llm = llm;
        this.id = id;
        this.httpPort = httpPort;
        this.settings = settings;
    }

    /** Runs the soak; returns its report (markdown). */
    String run(String llmBaseUrl, String llmModel) throws Exception {
        String input = id + "-in";
        String analyses = id + "-out";
        String notifications = id + "-notify";
        String deliveryGroup = id + "-delivery";
        infra.createTopics(Map.of(input, 4, analyses, 4, notifications, 1, id + "-dlq", 1, id + "-notify-dlq", 1));
        System.out.printf("[bench] S5 soak: %.0f min, %.0f conversations/s, outages %s%n",
                settings.length().toMillis() / 60_000.0, settings.conversationsPerSecond(), settings.outages());
        Path log = Path.of("target", id + "-worker.log");
        List<String> totals = new ArrayList<>();
        try (GoogleChatSimulator chat = new GoogleChatSimulator();
                SoakOutputs outputs = new SoakOutputs(infra, analyses, notifications, id + "-dlq");
                ConsumerLag lag = new ConsumerLag(infra);
                RedisMemory redis = new RedisMemory(infra.redisHosts())) {
            Map<String, String> env = environment(llmBaseUrl, llmModel,
                    chat.space("oncall", "soak-key", "soak-token", 5, GoogleChatSimulator.Faults.NONE));
            try (WorkerProcess worker = WorkerProcess.start(infra, httpPort, log, env, workerJvm());
                    SoakTraffic traffic = new SoakTraffic(infra, input, id, settings.conversationsPerSecond())) {
                long begin = System.nanoTime();
                traffic.start();
                Usage usage = soak(worker, traffic, outputs, lag, redis, begin, input, deliveryGroup);
                llm.down(false);
                traffic.stop();
                long expected = traffic.expectedAnalyses().values().stream().mapToLong(Long::longValue).sum();
                Duration drained = drain(outputs, expected, worker, lag, begin, input);
                totals.addAll(totals(traffic, outputs, chat, usage, expected, drained, log));
            } finally {
                llm.down(false);
            }
        }
        Path csv = Path.of("target", id + "-soak.csv");
        List<String> lines = new ArrayList<>(List.of(SoakSample.csvHeader()));
        samples.forEach(s -> lines.add(s.csv()));
        Files.write(csv, lines);
        totals.add("samples: `" + csv + "`; worker log: `" + log + "`");
        return SoakReport.markdown("S5 soak (" + Instant.now().toString().substring(0, 16) + "Z)", settings, samples,
                lags, totals);
    }

    /** What the worker, Redis and the machine used between the end of the warm-up and the end of the traffic. */
    private record Usage(double workerCpuSeconds, MachineCpu others, double wallSeconds) {
    }

    private Usage soak(WorkerProcess worker, SoakTraffic traffic, SoakOutputs outputs, ConsumerLag lag,
            RedisMemory redis, long begin, String input, String deliveryGroup) throws Exception {
        boolean down = false;
        Duration nextLag = Duration.ZERO;
        Duration nextSample = Duration.ZERO;
        double cpuAtSample = worker.cpuSeconds();
        long sampledAt = System.nanoTime();
        double cpuAtWarm = Double.NaN;
        MachineCpu othersAtWarm = null;
        long warmAt = 0;
        for (Duration elapsed = Duration.ZERO; elapsed.compareTo(settings.length()) < 0; elapsed = Duration
                .ofNanos(System.nanoTime() - begin)) {
            if (!worker.alive()) {
                throw new IllegalStateException("the worker exited during the soak; see " + worker.log());
            }
            if (settings.llmDown(elapsed) != down) {
                down = !down;
                llm.down(down);
                System.out.printf("[bench]   %.1f min: LLM %s%n", elapsed.toMillis() / 60_000.0, down ? "down" : "up");
            }
            if (elapsed.compareTo(nextLag) >= 0) {
                lags.add(new Backlog(elapsed, lag.of(id, input), waiting(worker)));
                nextLag = nextLag.plus(LAG_EVERY);
            }
            if (elapsed.compareTo(nextSample) >= 0) {
                if (othersAtWarm == null && elapsed.compareTo(settings.warmUp()) >= 0) {
                    cpuAtWarm = worker.cpuSeconds();
                    othersAtWarm = MachineCpu.now(OptionalLong.empty());
                    warmAt = System.nanoTime();
                }
                double cpu = worker.cpuSeconds();
                long now = System.nanoTime();
                double cpuPercent = 100 * (cpu - cpuAtSample) / Math.max(0.001, (now - sampledAt) / 1e9);
                cpuAtSample = cpu;
                sampledAt = now;
                SoakSample sample = sample(worker, lag, redis, elapsed, down, input, deliveryGroup, cpuPercent,
                        traffic.events(), outputs.analyses());
                samples.add(sample);
                System.out.printf("[bench]   %.1f min: heap after GC %.1f MiB, RSS %.0f MiB, Redis %.1f MiB, "
                        + "threads %.0f, lag %d, waiting %.0f, CPU %.0f %%, LLM %s%n", sample.minutes(),
                        sample.heapAfterGcMib(), sample.rssMib(), sample.redisMib(), sample.threads(),
                        sample.inputLag(), sample.waiting(), cpuPercent, down ? "down" : "up");
                nextSample = nextSample.plus(settings.sampleEvery());
            }
            Thread.sleep(TICK.toMillis());
        }
        if (othersAtWarm == null) {
            return new Usage(Double.NaN, new MachineCpu(-1, -1, -1, -1, -1), Double.NaN);
        }
        return new Usage(worker.cpuSeconds() - cpuAtWarm, MachineCpu.now(OptionalLong.empty()).minus(othersAtWarm),
                (System.nanoTime() - warmAt) / 1e9);
    }

    private SoakSample sample(WorkerProcess worker, ConsumerLag lag, RedisMemory redis, Duration elapsed,
            boolean down, String input, String deliveryGroup, double cpuPercent, long events, long analyses)
            throws Exception {
        // RSS before the collection: a full GC needs memory of its own for a moment, then may give heap back.
        double rss = worker.rssMib();
        WorkerHeap.AfterGc heap = WorkerHeap.afterFullGc(worker.pid());
        String metrics = worker.metrics();
        return new SoakSample(elapsed, down, heap.heapMib(), heap.metaspaceMib(), rss, redis.usedMib(),
                redis.keys(), WorkerProcess.metric(metrics, "jvm_threads_live_threads"), lag.of(id, input),
                lag.of(deliveryGroup, id + "-notify"), WorkerProcess.metric(metrics, "cw_analyses_waiting"),
                cpuPercent, events, analyses);
    }

    /** Analyses waiting for the LLM, or NaN when the worker does not answer. */
    private static double waiting(WorkerProcess worker) throws InterruptedException {
        try {
            return WorkerProcess.metric(worker.metrics(), "cw_analyses_waiting");
        } catch (IOException e) {
            return Double.NaN;
        }
    }

    /**
     * Waits until every analysis the traffic makes is published (idle ones fall due after the traffic), still noting
     * the backlog: the waiting room of the last outage may empty only now.
     */
    private Duration drain(SoakOutputs outputs, long expected, WorkerProcess worker, ConsumerLag lag, long begin,
            String input) throws InterruptedException {
        long start = System.nanoTime();
        Instant deadline = Instant.now().plus(settings.idleAfter()).plus(Duration.ofMinutes(3));
        Duration nextLag = Duration.ZERO;
        while (outputs.analyses() - outputs.duplicates() < expected && Instant.now().isBefore(deadline)) {
            Duration elapsed = Duration.ofNanos(System.nanoTime() - begin);
            if (elapsed.compareTo(nextLag) >= 0) {
                lags.add(new Backlog(elapsed, lag.of(id, input), waiting(worker)));
                nextLag = elapsed.plus(LAG_EVERY);
            }
            Thread.sleep(500);
        }
        lags.add(new Backlog(Duration.ofNanos(System.nanoTime() - begin), lag.of(id, input), waiting(worker)));
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private Map<String, String> environment(String llmBaseUrl, String llmModel, String webhook) {
        String ttl = settings.ttl().toSeconds() + "s";
        Map<String, String> env = new HashMap<>();
        env.put("TOPICS_INPUT", id + "-in");
        env.put("TOPICS_ANALYSES", id + "-out");
        env.put("TOPICS_NOTIFICATIONS", id + "-notify");
        env.put("TOPICS_DEAD_LETTER", id + "-dlq");
        env.put("TOPICS_NOTIFICATIONS_DEAD_LETTER", id + "-notify-dlq");
        env.put("MP_MESSAGING_INCOMING_CHAT_EVENTS_GROUP_ID", id);
        env.put("MP_MESSAGING_INCOMING_NOTIFICATION_DELIVERY_GROUP_ID", id + "-delivery");
        env.put("LLM_PRIMARY_BASE_URL", llmBaseUrl);
        env.put("LLM_PRIMARY_MODEL", llmModel);
        env.put("QUARKUS_LOG_LEVEL", "WARN");
        // Keys of their own in the shared Redis, which turn over within the soak: history, attention claims, the
        // delivered dedupe-keys.
        env.put("HISTORY_KEY_PREFIX", id);
        env.put("HISTORY_TTL", ttl);
        env.put("NOTIFY_ATTENTION_WINDOW", ttl);
        env.put("DELIVERY_KEY_PREFIX", id + ":delivery");
        env.put("DELIVERY_DEDUPE_WINDOW", ttl);
        env.put("ANALYSIS_IDLE_AFTER", settings.idleAfter().toSeconds() + "s");
        // Analyses wait out an outage rather than fail.
        env.put("ANALYSIS_MAX_WAIT", settings.outageLength().plusMinutes(10).toSeconds() + "s");
        env.put("DELIVERY_ENABLED", "true");
        env.put("DELIVERY_WEBHOOK_URL", webhook);
        return env;
    }

    /** The production heap (75 % of the 1 GiB limit), and {@code -Dbench.worker-jvm} as for the other scenarios. */
    private static List<String> workerJvm() {
        List<String> jvm = new ArrayList<>(List.of("-Xmx768m"));
        jvm.addAll(List.of(System.getProperty("bench.worker-jvm", "").split(" ")).stream()
                .filter(option -> !option.isBlank()).toList());
        return jvm;
    }

    private List<String> totals(SoakTraffic traffic, SoakOutputs outputs, GoogleChatSimulator chat, Usage usage,
            long expected, Duration drained, Path log) throws IOException {
        List<String> lines = new ArrayList<>();
        double seconds = settings.length().toSeconds();
        lines.add(String.format("traffic: %,d events (%.0f/s), conversations %,d closed, %,d with a request, %,d left "
                + "idle, %,d needing attention; %d not sent", traffic.events(), traffic.events() / seconds,
                traffic.started(SoakTraffic.Kind.CLOSED), traffic.started(SoakTraffic.Kind.REQUESTED),
                traffic.started(SoakTraffic.Kind.IDLE), traffic.started(SoakTraffic.Kind.ATTENTION),
                traffic.sendFailures()));
        lines.add(String.format("analyses: %,d published of %,d expected (%.0f s after the traffic stopped), by "
                + "trigger %s against %s expected; %,d failed, %,d published twice, %,d needing attention; "
                + "%,d dead letters", outputs.analyses() - outputs.duplicates(), expected,
                drained.toMillis() / 1000.0, outputs.analysesByTrigger(), new TreeMap<>(
                        traffic.expectedAnalyses()),
                outputs.failed(), outputs.duplicates(), outputs.needAttention(),
                outputs.deadLetters()));
        lines.add(String.format("notifications by kind %s; Google Chat simulator: %,d messages created, %,d answered "
                + "429", outputs.notificationsByKind(), chat.created("oncall").size(), chat.answered(429)));
        lines.add(String.format("CPU after the warm-up, %% of one core: worker %.0f, Redis %s, benchmark JVM (broker, "
                + "load, LLM and Chat simulators) %s; machine busy %s %% of both cores",
                100 * usage.workerCpuSeconds() / usage.wallSeconds(), percent(usage.others().redis(),
                        usage.wallSeconds()),
                percent(usage.others().benchmarkJvm(), usage.wallSeconds()),
                percent(usage.others().machineBusy(), usage.others().machineAll())));
        List<String> logLines = Files.readAllLines(log);
        lines.add(String.format("worker log: %d ERROR, %d WARN lines, %d blocked-thread warnings",
                logLines.stream().filter(l -> l.contains("\"level\":\"ERROR\"") || l.contains(" ERROR ")).count(),
                logLines.stream().filter(l -> l.contains("\"level\":\"WARN\"") || l.contains(" WARN ")).count(),
                logLines.stream().filter(l -> l.contains("has been blocked for")).count()));
        return lines;
    }

    private static String percent(double seconds, double of) {
        return seconds < 0 || !(of > 0) ? "n/a" : String.format("%.0f", 100 * seconds / of);
    }
}
