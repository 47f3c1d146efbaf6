package dev.conversationworker.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.conversationworker.ops.ShutdownBudget;
import dev.conversationworker.testsupport.Infrastructure;
import dev.conversationworker.testsupport.IsolatedRun;
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
                for (int i = 0; i < 3; i++) {
                    workers.add(run.startWorker());
                }
                traffic.start();
                Thread.sleep(5000);
                for (int step = 1; step <= 3; step++) {
                    workers.add(run.startWorker()); // fails unless it becomes ready
                    Thread.sleep(5000); // the rebalance the new worker causes, with analyses in flight
                    assertThat(workers.removeFirst().stopsCleanly(GRACE))
                            .as("old worker of step %d stops within the grace period", step).isTrue();
                }
                assertThat(workers.removeFirst().stopsCleanly(GRACE)).as("scale-in within the grace period")
                        .isTrue();
                producing.set(false);
                traffic.join();
                run.awaitAllAnalysed(Duration.ofMinutes(4));
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
