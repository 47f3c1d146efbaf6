package dev.conversationworker.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.conversationworker.testsupport.Infrastructure;
import dev.conversationworker.testsupport.IsolatedRun;
import dev.conversationworker.testsupport.WorkerProcess;

/**
 * What every release and every scale event does, with a backlog in flight: three packaged workers, then a rolling
 * restart as Kubernetes runs it (a new worker started and ready, then an old one SIGTERMed; three times), then a
 * scale-in (one SIGTERMed, none started). Each moves partitions while analyses run on them (the LLM takes 2.5 to 5
 * seconds, longer than a rebalance). Nothing is lost, every new worker becomes ready, every worker stops within its grace period, and no
 * analysis is published twice: a partition that moves is handed over only once what ran on it has finished and
 * been committed.
 */
@Tag("faults")
class RollingRestartIT {

    /** Conversations produced before each new worker starts (in flight while it joins), and before each SIGTERM. */
    private static final int BEFORE_JOIN = 150;
    private static final int BEFORE_STOP = 100;
    private static final Duration GRACE = Duration.ofSeconds(35);

    @Test
    void aRollingRestartAndAScaleInRepeatNothingThatFinished() throws Exception {
        Random random = new Random();
        try (IsolatedRun run = new IsolatedRun("rolling", Infrastructure.get().bootstrapServers(),
                Infrastructure.get().redisHosts(), Map.of("WORKER_MAX_IN_FLIGHT", "16"), 6)) {
            // Longer than a rebalance takes: what runs when partitions move is still running when the new owner starts.
            run.llm().defaultLatency(model -> 2500 + random.nextInt(2500));
            Deque<WorkerProcess> workers = new ArrayDeque<>();
            try {
                for (int i = 0; i < 3; i++) {
                    workers.add(run.startWorker());
                }
                for (int step = 1; step <= 3; step++) {
                    run.produce(BEFORE_JOIN, 2);
                    workers.add(run.startWorker()); // fails unless it becomes ready
                    run.produce(BEFORE_STOP, 2);
                    assertThat(workers.removeFirst().stopsCleanly(GRACE))
                            .as("old worker of step %d stops within the grace period", step).isTrue();
                }
                run.produce(BEFORE_STOP, 2);
                assertThat(workers.removeFirst().stopsCleanly(GRACE)).as("scale-in within the grace period")
                        .isTrue();
                run.awaitAllAnalysed(Duration.ofMinutes(4));
                int repeats = run.verifyNothingLostNothingDoubled();
                System.out.printf("[rolling] %d conversations over a rolling restart of 3 workers and a scale-in: "
                        + "none lost, %d analyses published twice%n", run.conversations().size(), repeats);
                assertThat(repeats).as("analyses published twice").isZero();
            } finally {
                workers.forEach(WorkerProcess::close);
            }
        }
    }
}
