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
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

import dev.conversationworker.analysis.TokenPrices;
import dev.conversationworker.model.LlmUsage;
import dev.conversationworker.testsupport.Infrastructure;
import dev.conversationworker.testsupport.LlmSimulator;
import dev.conversationworker.testsupport.LlmSimulatorProcess;
import dev.conversationworker.testsupport.Ports;
import dev.conversationworker.testsupport.WorkerProcess;

/**
 * The benchmark of docs/benchmarks.md: each scenario runs the packaged worker as a child process against the
 * embedded broker and Redis and an LLM simulator, in both ordering modes (or with hedging on and off), and prints
 * one table. {@code -Dbench.scenarios=S1,S3} picks scenarios; {@code -Dbench.variants='key;key, LLM in own process'}
 * picks variants by name; {@code -Dbench.scale=0.1} shrinks the workloads; {@code -Dbench.baseline=../old/target/quarkus-app/quarkus-run.jar}
 * runs every picked variant with that build first, then with this one, so a change is measured against what it
 * changes in one invocation; {@code -Dbench.budget=1000000000} runs every picked variant again with
 * {@code LLM_BUDGET_TOKENS_PER_HOUR} set to that many tokens an hour (as the variant "…, budget"): with a budget far
 * above what a run spends, the difference is the CPU of budget accounting; {@code -Dbench.exactly-once=true} runs
 * every picked variant again in exactly-once mode (as "…, exactly-once"), read as its consumers must, read committed. {@code -Dbench.personal-data=true} puts
 * personal data in every customer message ({@link Workload}). Each row gives the tokens and the cost of an analysis
 * (summed from every analysis record's {@code usage}, at {@link #EXAMPLE_PRICES}) and how far the records' usage is
 * from what the LLM simulator billed.
 */
public final class Benchmark {

    private static final String PRIMARY = "bench-primary";
    private static final String FALLBACK = "bench-fallback";

    /**
     * @param warmUp conversations sent (and awaited) before measuring, to get JIT and first-use costs away
     * @param llmProcess the LLM simulator in a process of its own (1 s ± 10 %) rather than in the benchmark's JVM
     * @param perSecond conversations sent a second; 0: all at once
     */
    record Run(String scenario, String variant, int partitions, int conversations, int messages,
            Map<String, String> env, List<String> jvm, boolean backlogFirst, int warmUp, Duration patience,
            boolean llmProcess, int perSecond) {

        Run(String scenario, String variant, int partitions, int conversations, int messages,
                Map<String, String> env, List<String> jvm, boolean backlogFirst, int warmUp, Duration patience) {
            this(scenario, variant, partitions, conversations, messages, env, jvm, backlogFirst, warmUp, patience,
                    false, 0);
        }

        /** The same run under another name, with {@code moreEnv} on top of its own. */
        Run with(String otherVariant, Map<String, String> moreEnv) {
            Map<String, String> allEnv = new HashMap<>(env);
            allEnv.putAll(moreEnv);
            return new Run(scenario, otherVariant, partitions, conversations, messages, Map.copyOf(allEnv), jvm,
                    backlogFirst, warmUp, patience, llmProcess, perSecond);
        }
    }

    /**
     * @param steadyRate analyses per second between the 10th and the 90th percentile of completions
     * @param llmInFlight LLM calls the simulator held at once, on average over the same window: with a 1 s LLM, how
     *        full the worker kept its {@code max-concurrency} of 512
     * @param llmMeanMs how long the simulator held a call, on average over the run: the ceiling is
     *        {@code max-concurrency} divided by it, and a simulator short of CPU holds calls longer than asked
     * @param p50Seen the median latency until the benchmark's reader, read committed, received the analysis (p50 and
     *        the others: until the analysis record's timestamp, when the worker sent it)
     * @param p99Seen likewise, the 99th percentile
     * @param usage the run's analyses' {@code usage}, summed
     * @param withUsage the run's analyses that carried one (none from a build before issue 22)
     * @param ledgerErrorPercent the usage of every analysis of the worker (warm-up included) against what the
     *        simulator billed it, priced at {@link Benchmark#EXAMPLE_PRICES}, in % of the bill; NaN if unknown
     */
    record Result(Run run, long events, int analyses, double seconds, double steadyRate, double llmInFlight,
            double llmMeanMs, long p50, long p95, long p99, long p50Seen, long p99Seen,
            double llmCallsPerAnalysis, String maxLagMs, double maxLagSinceStartMs, double heapMaxMib, double rssMib,
            double cpuPercent, double cpuSeconds, double jitSeconds, MachineCpu others, double wallSeconds,
            int failed, int deadLetters, long blockedWarnings, LlmUsage usage, int withUsage,
            double ledgerErrorPercent) {

        /** Worker CPU-seconds per 1,000 analyses, after the warm-up. */
        double cpuPerThousandAnalyses() {
            return analyses == 0 ? 0 : 1000 * cpuSeconds / analyses;
        }

        /** Worker CPU milliseconds per input event, after the warm-up. */
        double cpuMsPerEvent() {
            return events == 0 ? 0 : 1000 * cpuSeconds / events;
        }

        /** Prompt and completion tokens per analysis, and the cached share of the prompt tokens in %. */
        String tokensPerAnalysis() {
            if (withUsage == 0) {
                return "n/a";
            }
            double tokens = (double) (usage.promptTokens() + usage.completionTokens()) / withUsage;
            double cached = usage.promptTokens() == 0 ? 0 : 100.0 * usage.cachedTokens() / usage.promptTokens();
            return String.format("%.0f (%.0f %%)", tokens, cached);
        }

        /** Dollars per 1,000 analyses at {@link Benchmark#EXAMPLE_PRICES}. */
        String costPerThousandAnalyses() {
            return withUsage == 0 ? "n/a" : String.format("%.4f", 1000 * EXAMPLE_PRICES.cost(usage) / withUsage);
        }

        String ledgerError() {
            return Double.isNaN(ledgerErrorPercent) ? "n/a" : String.format("%+.2f", ledgerErrorPercent);
        }

        double eventsPerSecond() {
            return events / seconds;
        }

        double analysesPerSecond() {
            return analyses / seconds;
        }
    }

    /**
     * Example prices for the cost column, US dollars per million tokens: gpt-4o-mini's list prices (input, cached
     * input, output). Only an example: the worker's own prices are whatever its configuration says.
     */
    static final TokenPrices EXAMPLE_PRICES = new TokenPrices(0.15, 0.075, 0.60);

    private static final String EXAMPLE_PRICES_NOTE = String.format("Cost per 1,000 analyses at example prices, "
            + "gpt-4o-mini's list prices: $%s per million input tokens, $%s per million cached input tokens, $%s per "
            + "million output tokens (cached tokens are part of the prompt tokens). Tokens per analysis: prompt + "
            + "completion, with the cached share of the prompt. Ledger error: the usage of all the worker's analysis "
            + "records (warm-up included) against what the LLM simulator billed it, both priced so, in %% of the bill.",
            EXAMPLE_PRICES.input(), EXAMPLE_PRICES.cachedInput(), EXAMPLE_PRICES.output());

    private final Infrastructure infra = Infrastructure.get();
    private final LlmSimulator llm = new LlmSimulator();
    private final double scale = Double.parseDouble(System.getProperty("bench.scale", "1"));
    private final Set<String> variants = Set.of(System.getProperty("bench.variants", "").split(";")).stream()
            .filter(v -> !v.isBlank()).collect(java.util.stream.Collectors.toSet());
    /**
     * {@code -Dbench.warm-up=3000}: conversations sent before measuring, instead of each run's own (runs with none
     * keep none); {@code jit}, the default: as many as the JIT needs to settle ({@link #warmUp}).
     */
    private static final String WARM_UP = System.getProperty("bench.warm-up", "").isBlank()
            ? "jit"
            : System.getProperty("bench.warm-up").trim();
    private static final int WARM_UP_ROUND = 2000;
    private static final double JIT_SETTLED = 0.15;
    private static final Duration WARM_UP_LIMIT = Duration.ofMinutes(3);
    private final Path baseline = System.getProperty("bench.baseline", "").isBlank()
            ? null
            : Path.of(System.getProperty("bench.baseline"));
    /** {@code -Dbench.budget=<tokens per hour>}: each picked variant runs again with that LLM budget. */
    private final OptionalLong budget = System.getProperty("bench.budget", "").isBlank()
            ? OptionalLong.empty()
            : OptionalLong.of(Long.parseLong(System.getProperty("bench.budget").trim()));
    /** {@code -Dbench.exactly-once=true}: each picked variant runs again with {@code worker.delivery-guarantee=exactly-once}. */
    private final boolean exactlyOnce = Boolean.getBoolean("bench.exactly-once");
    private final List<Result> results = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    /** Reports of scenarios that are not rows of the table (the soak's). */
    private final List<String> reports = new ArrayList<>();
    private int runNumber;

    public static void main(String[] args) {
        try {
            run();
        } catch (Exception | Error e) {
            // The in-JVM broker's threads would keep the JVM (and Maven) waiting forever otherwise.
            e.printStackTrace();
            System.exit(1);
        }
    }

    private static void run() throws Exception {
        // S5 (the soak, an hour by default) runs only when named.
        Set<String> scenarios = Set.of(System.getProperty("bench.scenarios", "S1,S2,S3,S4,S6").split(","));
        Benchmark bench = new Benchmark();
        bench.llm.recordCalls(false);
        if (scenarios.contains("S1")) {
            bench.slowLlm();
        }
        if (scenarios.contains("S2")) {
            bench.cpuCeiling();
        }
        if (scenarios.contains("S3")) {
            bench.tail();
        }
        if (scenarios.contains("S4")) {
            bench.backlog();
        }
        if (scenarios.contains("S5")) {
            bench.soak();
        }
        if (scenarios.contains("S6")) {
            bench.steadyRate();
        }
        String table = bench.table() + String.join("", bench.reports);
        System.out.println(table);
        Files.writeString(Path.of("target", "benchmark-results.md"), table);
        bench.llm.close();
        bench.infra.stop();
        System.exit(0);
    }

    /**
     * The consumer's queue as SmallRye ships it (500 × 2 records, unbounded in bytes), to compare with ours (100 × 1,
     * so that records of the broker's maximum size cannot fill the heap). Mind the order: on this machine the second of
     * two equal runs is 10–20 % faster; docs/benchmarks.md gives the comparison in both orders.
     */
    private static final Map<String, String> SHIPPED_QUEUE = Map.of(
            "MP_MESSAGING_INCOMING_CHAT_EVENTS_MAX_POLL_RECORDS", "500",
            "MP_MESSAGING_INCOMING_CHAT_EVENTS_MAX_QUEUE_SIZE_FACTOR", "2");

    /** S1: one partition, LLM 1 s ± 10 %: key ordering against one event at a time per partition. */
    private void slowLlm() throws Exception {
        llm.defaultLatency(jitter(1000, 0.10));
        measure(new Run("S1 slow LLM", "key, queue 500×2", 1, scaled(5000), 4, SHIPPED_QUEUE, List.of(), false, 200,
                Duration.ofMinutes(5)));
        measure(new Run("S1 slow LLM", "key", 1, scaled(5000), 4, Map.of(), List.of(), false, 200,
                Duration.ofMinutes(5)));
        measure(new Run("S1 slow LLM", "key, LLM in own process", 1, scaled(5000), 4, Map.of(), List.of(), false,
                200, Duration.ofMinutes(5), true, 0));
        // One analysis a second: a small sample is enough to know the rate.
        measure(new Run("S1 slow LLM", "partition", 1, 20, 4, Map.of("WORKER_ORDERING", "partition"), List.of(),
                false, 2, Duration.ofMinutes(5)));
    }

    /** S2: LLM answers at once, four partitions: how many events this machine gets through. */
    private void cpuCeiling() throws Exception {
        llm.defaultLatency(model -> 0);
        measure(new Run("S2 CPU ceiling", "key, queue 500×2", 4, scaled(25000), 4, SHIPPED_QUEUE, List.of(), false,
                200, Duration.ofMinutes(5)));
        measure(new Run("S2 CPU ceiling", "key", 4, scaled(25000), 4, Map.of(), List.of(), false, 200,
                Duration.ofMinutes(5)));
        measure(new Run("S2 CPU ceiling", "partition", 4, scaled(5000), 4, Map.of("WORKER_ORDERING", "partition"),
                List.of(), false, 200, Duration.ofMinutes(5)));
        notes.add(KafkaPerformance.measure(infra, (int) Math.max(50_000, 500_000 * scale)));
    }

    /** S3: 5 % of primary calls take 20 s, the fallback answers in 100 ms: hedging on against off. */
    private void tail() throws Exception {
        llm.defaultLatency(model -> model.equals(FALLBACK)
                ? 100
                : ThreadLocalRandom.current().nextDouble() < 0.05 ? 20_000 : jitter(200, 0.10).applyAsLong(model));
        Map<String, String> common = Map.of("LLM_DEADLINE", "30s", "LLM_REQUEST_TIMEOUT", "25s");
        Map<String, String> hedged = new HashMap<>(common);
        hedged.put("LLM_FALLBACK_BASE_URL", llm.baseUrl());
        hedged.put("LLM_FALLBACK_MODEL", FALLBACK);
        hedged.put("LLM_HEDGE_DELAY", "500ms");
        measure(new Run("S3 tail", "hedge on", 4, scaled(2000), 1, hedged, List.of(), false, 200,
                Duration.ofMinutes(5)));
        measure(new Run("S3 tail", "hedge off", 4, scaled(2000), 1, common, List.of(), false, 200,
                Duration.ofMinutes(5)));
    }

    /**
     * S6: a steady 100 conversations a second for a minute, LLM 200 ms ± 10 %, well below what the worker can do:
     * the latency of an analysis when nothing queues, the cost a commit adds to it in exactly-once mode included
     * (-Dbench.exactly-once=true), which a flood's p99, the time to drain it, hides.
     */
    private void steadyRate() throws Exception {
        llm.defaultLatency(jitter(200, 0.10));
        measure(new Run("S6 steady rate", "key", 4, scaled(6000), 4, Map.of(), List.of(), false, 200,
                Duration.ofMinutes(5), false, 100));
    }

    /** S4: a backlog of a million events, slow LLM, the worker's heap capped at 256 MB. */
    private void backlog() throws Exception {
        llm.defaultLatency(jitter(1000, 0.10));
        measure(new Run("S4 backlog", "key, -Xmx256m", 4, scaled(200_000), 4, Map.of(), List.of("-Xmx256m"), true,
                0, Duration.ofMinutes(20)));
    }

    /**
     * S5: an hour (-Dbench.soak.minutes) of steady traffic of every kind with the LLM down now and then; a report of
     * its own ({@link Soak}). Not run against -Dbench.baseline.
     */
    private void soak() throws Exception {
        llm.defaultLatency(jitter(1000, 0.10));
        String id = "bench" + (++runNumber) + "-" + Long.toString(System.currentTimeMillis(), 36);
        // A free port: another benchmark on the same machine may hold 18000 + n, and then readiness would be that
        // worker's.
        int port = Ports.freePort();
        reports.add(new Soak(infra, llm, id, port, SoakSettings.fromSystemProperties()).run(llm.baseUrl(), PRIMARY));
    }

    private void measure(Run run) throws Exception {
        if (!variants.isEmpty() && !variants.contains(run.variant())) {
            return;
        }
        measureBuilds(run);
        if (budget.isPresent()) {
            measureBuilds(run.with(run.variant() + ", budget",
                    Map.of("LLM_BUDGET_TOKENS_PER_HOUR", Long.toString(budget.getAsLong()))));
        }
        if (exactlyOnce) {
            measureBuilds(run.with(run.variant() + ", exactly-once",
                    Map.of("WORKER_DELIVERY_GUARANTEE", "exactly-once")));
        }
    }

    /** With the baseline build first, if there is one, then with this one. */
    private void measureBuilds(Run run) throws Exception {
        if (baseline != null) {
            measure(run, baseline, " [baseline]");
        }
        measure(run, WorkerProcess.JAR, "");
    }

    private void measure(Run configured, Path jar, String label) throws Exception {
        Run run = label.isEmpty() ? configured : configured.with(configured.variant() + label, Map.of());
        String id = "bench" + (++runNumber) + "-" + Long.toString(System.currentTimeMillis(), 36);
        Map<String, String> topics = Map.of("TOPICS_INPUT", id + "-in", "TOPICS_ANALYSES", id + "-out",
                "TOPICS_NOTIFICATIONS", id + "-notify", "TOPICS_DEAD_LETTER", id + "-dlq");
        infra.createTopics(Map.of(id + "-in", run.partitions(), id + "-out", 4, id + "-notify", 1, id + "-dlq", 1));
        Map<String, String> env = new HashMap<>(topics);
        env.put("MP_MESSAGING_INCOMING_CHAT_EVENTS_GROUP_ID", id);
        LlmSimulatorProcess llmProcess = run.llmProcess()
                ? LlmSimulatorProcess.start(1000, 0.10, Path.of("target", id + "-llm.log"))
                : null;
        IntSupplier llmCalls = llmProcess == null
                ? () -> llm.callCount(PRIMARY) + llm.callCount(FALLBACK)
                : llmProcess::callCount;
        IntSupplier llmInFlight = llmProcess == null ? llm::callsInFlight : llmProcess::callsInFlight;
        Supplier<long[]> llmHeld = llmProcess == null ? llm::held : llmProcess::held;
        Supplier<LlmSimulator.Billed> llmBilled = llmProcess == null ? llm::billedInAll : llmProcess::billed;
        env.put("LLM_PRIMARY_BASE_URL", llmProcess == null ? llm.baseUrl() : llmProcess.baseUrl());
        env.put("LLM_PRIMARY_MODEL", PRIMARY);
        env.put("QUARKUS_LOG_LEVEL", "WARN");
        env.putAll(run.env());
        System.out.printf("[bench] %s / %s: %d conversations × (%d messages + close), %d partition(s)%n",
                run.scenario(), run.variant(), run.conversations(), run.messages(), run.partitions());

        try (llmProcess;
                Workload workload = new Workload(infra, id, id + "-in", id + "-out", id + "-dlq",
                        run.conversations())) {
            long events = 0;
            if (run.backlogFirst()) {
                events = workload.produce(run.conversations(), run.messages(), run.perSecond());
                System.out.printf("[bench]   backlog of %d events waiting%n", events);
            }
            Path log = Path.of("target", id + "-worker.log");
            List<String> jvm = new ArrayList<>(run.jvm());
            // e.g. -Dbench.worker-jvm=-XX:StartFlightRecording=filename=target/worker.jfr to profile a run
            jvm.addAll(List.of(System.getProperty("bench.worker-jvm", "").split(" ")).stream()
                    .filter(option -> !option.isBlank()).toList());
            // Before the worker starts: the ledger is checked over all its calls, the warm-up's included.
            LlmSimulator.Billed billedBefore = llmBilled.get();
            try (WorkerProcess worker = WorkerProcess.start(jar, infra, 18000 + runNumber, log, env, jvm)) {
                warmUp(worker, workload, id, run);
                LagHistogram lagBefore = LagHistogram.of(worker.metrics());
                double cpuBefore = worker.cpuSeconds();
                double jitBefore = worker.jitCpuSeconds();
                OptionalLong llmPid = llmProcess == null ? OptionalLong.empty() : OptionalLong.of(llmProcess.pid());
                MachineCpu othersBefore = MachineCpu.now(llmPid);
                int callsBefore = llmCalls.getAsInt();
                long[] heldBefore = llmHeld.get();
                Instant started = Instant.now();
                Sampler sampler = new Sampler(worker, llmInFlight);
                sampler.start();
                if (!run.backlogFirst()) {
                    events = workload.produce(run.conversations(), run.messages(), run.perSecond());
                }
                boolean complete = workload.awaitAnalyses(run.conversations(), run.patience());
                Instant end = complete ? workload.lastAnalysisAt() : Instant.now();
                sampler.stop();
                double seconds = Duration.between(started, end).toMillis() / 1000.0;
                double wall = Math.max(0.001, Duration.between(started, Instant.now()).toMillis() / 1000.0);
                double cpu = worker.cpuSeconds() - cpuBefore;
                double jit = worker.jitCpuSeconds() - jitBefore;
                MachineCpu others = MachineCpu.now(llmPid).minus(othersBefore);
                sampler.writeLlmInFlight(Path.of("target", id + "-llm-in-flight.tsv"));
                String metrics = worker.metrics();
                LagHistogram lag = LagHistogram.of(metrics).minus(lagBefore);
                int calls = llmCalls.getAsInt() - callsBefore;
                long[] heldAfter = llmHeld.get();
                double llmMeanMs = heldBefore == null || heldAfter == null || heldAfter[0] == heldBefore[0]
                        ? Double.NaN
                        : (heldAfter[1] - heldBefore[1]) / 1e6 / (heldAfter[0] - heldBefore[0]);
                long blocked = Files.readAllLines(log).stream().filter(l -> l.contains("has been blocked for"))
                        .count();
                double ledgerError = ledgerErrorPercent(workload, billedBefore, llmBilled);
                Result result = new Result(run, events, workload.analyses(), seconds, workload.steadyRate(),
                        sampler.meanLlmInFlight(workload.steadyWindowMs()), llmMeanMs, workload.percentileMs(50),
                        workload.percentileMs(95), workload.percentileMs(99), workload.seenPercentileMs(50),
                        workload.seenPercentileMs(99),
                        workload.analyses() == 0 ? 0 : (double) calls / workload.analyses(),
                        lag.worstMillis(), WorkerProcess.metric(metrics, "cw_event_loop_lag_max_seconds ") * 1000,
                        sampler.maxHeapMib(), worker.peakRssMib(),
                        100 * cpu / wall, cpu, jit, others, wall,
                        workload.failed(), workload.deadLetters(), blocked, workload.usage(), workload.withUsage(),
                        ledgerError);
                if (workload.estimated() > 0) {
                    notes.add(String.format("%s / %s: the usage of %,d analyses was partly estimated (a call's usage "
                            + "never came back)", run.scenario(), run.variant(), workload.estimated()));
                }
                results.add(result);
                System.out.printf("[bench]   %d analyses in %.1f s (%.1f/s, steady %.1f/s), p99 %d ms%s%n",
                        result.analyses(), seconds, result.analysesPerSecond(), result.steadyRate(), result.p99(),
                        complete ? "" : " (INCOMPLETE)");
            }
        }
    }

    /**
     * The worker's ledger against the simulator's bill, priced at {@link #EXAMPLE_PRICES}, in % of the bill (NaN
     * when the simulator cannot tell, or the worker reports no usage). Waits up to 5 s for the reader to catch up
     * with the calls billed (the warm-up's records may still be on their way).
     */
    private static double ledgerErrorPercent(Workload workload, LlmSimulator.Billed before,
            Supplier<LlmSimulator.Billed> billedNow) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(5);
        LlmSimulator.Billed now = billedNow.get();
        while (now != null && before != null && workload.usageInAll().calls() < now.minus(before).calls()
                && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
            now = billedNow.get();
        }
        if (now == null || before == null || workload.withUsage() == 0) {
            return Double.NaN;
        }
        LlmSimulator.Billed billed = now.minus(before);
        double bill = EXAMPLE_PRICES.cost(new LlmUsage(billed.promptTokens(), billed.completionTokens(),
                billed.cachedTokens(), billed.calls(), false));
        return bill == 0 ? Double.NaN : 100 * (EXAMPLE_PRICES.cost(workload.usageInAll()) - bill) / bill;
    }

    /**
     * JIT and first-use costs out of the way: conversations through the same topics, of the run's shape, not
     * measured. By default in rounds until the JIT compiler's threads take at most {@link #JIT_SETTLED} of the
     * worker's CPU over a round (or {@link #WARM_UP_LIMIT} has passed): a worker runs for days, and a run measured
     * while C2 still compiles measures mostly the compiler (half of the CPU of a 20-second run after 200
     * conversations). A run with a warm-up of a few conversations (the one-at-a-time baseline) keeps it.
     */
    private void warmUp(WorkerProcess worker, Workload workload, String id, Run run) throws Exception {
        if (run.warmUp() == 0) {
            return;
        }
        if (!WARM_UP.equals("jit") || run.warmUp() < 10) {
            int conversations = WARM_UP.equals("jit") ? run.warmUp() : Integer.parseInt(WARM_UP);
            warmUpRound(worker, workload, id, run, conversations, 0);
            return;
        }
        Instant started = Instant.now();
        int sent = 0;
        double jitShare = 1;
        while (jitShare > JIT_SETTLED && Duration.between(started, Instant.now()).compareTo(WARM_UP_LIMIT) < 0) {
            double cpu = worker.cpuSeconds();
            double jit = worker.jitCpuSeconds();
            warmUpRound(worker, workload, id + "r" + sent, run, WARM_UP_ROUND, sent);
            sent += WARM_UP_ROUND;
            jitShare = (worker.jitCpuSeconds() - jit) / Math.max(0.001, worker.cpuSeconds() - cpu);
        }
        String note = String.format("%s / %s: warmed up with %,d conversations in %.0f s; JIT %.0f %% of the "
                + "worker's CPU in the last round", run.scenario(), run.variant(), sent,
                Duration.between(started, Instant.now()).toMillis() / 1000.0, 100 * jitShare);
        System.out.println("[bench]   " + note);
        notes.add(note);
    }

    /** {@code conversations} more, awaited: {@code before} were analysed already. */
    private void warmUpRound(WorkerProcess worker, Workload workload, String prefix, Run run, int conversations,
            int before) throws Exception {
        workload.produce(prefix + "warm", conversations, run.messages());
        Instant deadline = Instant.now().plusSeconds(120);
        while (WorkerProcess.metric(worker.metrics(), "cw_analyses_total{") < before + conversations) {
            if (Instant.now().isAfter(deadline)) {
                // Said beside the table: the run then counts the rest of the warm-up as its own.
                String note = String.format("%s / %s: a warm-up round of %,d conversations was not all analysed "
                        + "within 120 s; the run's figures include the rest of it", run.scenario(), run.variant(),
                        conversations);
                System.out.println("[bench]   " + note);
                notes.add(note);
                return;
            }
            Thread.sleep(200);
        }
    }

    private int scaled(int n) {
        return Math.max(10, (int) (n * scale));
    }

    private static ToLongFunction<String> jitter(long meanMs, double spread) {
        return model -> Math.round(meanMs * (1 + spread * (2 * ThreadLocalRandom.current().nextDouble() - 1)));
    }

    private String table() {
        StringBuilder out = new StringBuilder();
        if (results.isEmpty()) {
            return out.toString();
        }
        out.append(
                "| scenario | variant | events | analyses | s | events/s | analyses/s | steady analyses/s | LLM calls in flight (steady) | LLM ms (mean) | p50 ms | p95 ms | p99 ms | p50 seen ms | p99 seen ms "
                        + "| LLM calls/analysis | tokens/analysis (cached %) | $ per 1,000 analyses | ledger error % | max loop lag ms (run) | (since start) | max heap MiB | peak RSS MiB | CPU % | CPU s/1000 analyses "
                        + "| CPU ms/event | of it JIT % | Redis CPU % | broker, load, simulator CPU % | machine busy % "
                        + "| failed | DLQ | blocked warnings |\n");
        out.append(
                "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Result r : results) {
            out.append(String.format(
                    "| %s | %s | %d | %d | %.1f | %.0f | %.1f | %.1f | %.0f | %.0f | %d | %d | %d | %d | %d | %.3f | %s | %s | %s "
                            + "| %s | %.0f | %.0f "
                            + "| %.0f | %.0f | %.2f | %.3f | %.0f | %s | %s | %s | %d | %d | %d |%n",
                    r.run().scenario(), r.run().variant(), r.events(),
                    r.analyses(), r.seconds(), r.eventsPerSecond(), r.analysesPerSecond(), r.steadyRate(),
                    r.llmInFlight(), r.llmMeanMs(), r.p50(),
                    r.p95(), r.p99(), r.p50Seen(), r.p99Seen(),
                    r.llmCallsPerAnalysis(), r.tokensPerAnalysis(), r.costPerThousandAnalyses(), r.ledgerError(),
                    r.maxLagMs(), r.maxLagSinceStartMs(), r.heapMaxMib(), r.rssMib(),
                    r.cpuPercent(), r.cpuPerThousandAnalyses(), r.cpuMsPerEvent(),
                    r.cpuSeconds() <= 0 ? 0 : 100 * r.jitSeconds() / r.cpuSeconds(),
                    percentOrNone(r.others().redis(), r.wallSeconds()),
                    percentOrNone(r.others().benchmarkJvm() + r.others().llmProcess(), r.wallSeconds()),
                    percentOrNone(r.others().machineBusy(), r.others().machineAll()), r.failed(),
                    r.deadLetters(), r.blockedWarnings()));
        }
        out.append('\n').append(EXAMPLE_PRICES_NOTE).append('\n');
        notes.forEach(n -> out.append('\n').append(n).append('\n'));
        return out.toString();
    }

    /** {@code seconds} as a % of {@code of}, or "n/a" where /proc could not tell (Redis in a container, say). */
    private static String percentOrNone(double seconds, double of) {
        return seconds < 0 || of <= 0 ? "n/a" : String.format("%.0f", 100 * seconds / of);
    }

    /**
     * Reads the worker's heap every 2 s while a run lasts. Each read is a full scrape of /q/metrics (some 1,200
     * series, most of them the Kafka clients'): once a second it was 2 % of the worker's CPU in a profile, which a
     * real Prometheus, every 15 s, does not cost. Counts the LLM calls in flight every 50 ms (the simulator's count,
     * which costs the worker nothing).
     */
    private static final class Sampler {

        private static final int SAMPLE_MS = 50;
        private static final int HEAP_EVERY = 40;

        private final WorkerProcess worker;
        private final IntSupplier llmInFlight;
        private final AtomicLong maxHeapBytes = new AtomicLong();
        private final Queue<long[]> llmSamples = new ConcurrentLinkedQueue<>();
        private final Thread thread;
        private volatile boolean running = true;

        Sampler(WorkerProcess worker, IntSupplier llmInFlight) {
            this.worker = worker;
            this.llmInFlight = llmInFlight;
            this.thread = new Thread(this::sample, "bench-sampler");
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(5_000);
        }

        double maxHeapMib() {
            return maxHeapBytes.get() / (1024.0 * 1024.0);
        }

        /** The LLM calls in flight over the run, a line per sample: ms since the first, calls. */
        void writeLlmInFlight(Path file) throws IOException {
            long first = llmSamples.isEmpty() ? 0 : llmSamples.peek()[0];
            StringBuilder out = new StringBuilder("ms\tcalls\n");
            llmSamples.forEach(s -> out.append(s[0] - first).append('\t').append(s[1]).append('\n'));
            Files.writeString(file, out);
        }

        /** Mean of the samples taken between {@code window[0]} and {@code window[1]} (epoch ms), or NaN. */
        double meanLlmInFlight(long[] window) {
            return window == null
                    ? Double.NaN
                    : llmSamples.stream()
                            .filter(s -> s[0] >= window[0] && s[0] <= window[1]).mapToLong(s -> s[1]).average()
                            .orElse(Double.NaN);
        }

        private void sample() {
            for (long n = 0; running; n++) {
                try {
                    int calls = llmInFlight.getAsInt();
                    if (calls >= 0) {
                        llmSamples.add(new long[]{System.currentTimeMillis(), calls});
                    }
                    if (n % HEAP_EVERY == 0) {
                        double heap = WorkerProcess.metric(worker.metrics(), "jvm_memory_used_bytes{area=\"heap\"");
                        maxHeapBytes.accumulateAndGet((long) heap, Math::max);
                    }
                    Thread.sleep(SAMPLE_MS);
                } catch (IOException | InterruptedException | RuntimeException e) {
                    return;
                }
            }
        }
    }

    private Benchmark() {
    }
}
