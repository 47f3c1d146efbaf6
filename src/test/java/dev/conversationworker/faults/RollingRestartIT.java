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
 * scale-in (one SIGTERMed, none started). Each moves partitions while analyses run on them (the LLM takes about a
 * second). Nothing is lost, every new worker becomes ready, every worker stops within its grace period, and no
 * analysis is published twice: a partition that moves is handed over only once what ran on it has finished and
 * been committed.
 */
@Tag("faults")
class RollingRestartIT {

    private static final int CONVERSATIONS = 900;
    private static final Duration GRACE = Duration.ofSeconds(35);

    @Test
    void aRollingRestartAndAScaleInRepeatNothingThatFinished() throws Exception {
        Random random = new Random();
        try (IsolatedRun run = new IsolatedRun("rolling", Infrastructure.get().bootstrapServers(),
                Infrastructure.get().redisHosts(), Map.of("WORKER_MAX_IN_FLIGHT", "8"), 6)) {
            run.llm().defaultLatency(model -> 700 + random.nextInt(600));
            Deque<WorkerProcess> workers = new ArrayDeque<>();
            try {
                for (int i = 0; i < 3; i++) {
                    workers.add(run.startWorker());
                }
                run.produce(CONVERSATIONS, 2);
                Thread.sleep(3000);
                for (int step = 1; step <= 3; step++) {
                    assertThat(run.allAnalysed()).as("rollout step %d must land mid-run", step).isFalse();
                    workers.add(run.startWorker()); // fails unless it becomes ready
                    WorkerProcess old = workers.removeFirst();
                    assertThat(old.stopsCleanly(GRACE)).as("an old worker stops within the grace period").isTrue();
                }
                assertThat(run.allAnalysed()).as("the scale-in must land mid-run").isFalse();
                assertThat(workers.removeFirst().stopsCleanly(GRACE)).as("scale-in within the grace period")
                        .isTrue();
                run.awaitAllAnalysed(Duration.ofMinutes(4));
                int repeats = run.verifyNothingLostNothingDoubled();
                System.out.printf("[rolling] %d conversations over a rolling restart of 3 workers and a scale-in: "
                        + "none lost, %d analyses published twice%n", CONVERSATIONS, repeats);
                assertThat(repeats).as("analyses published twice").isZero();
            } finally {
                workers.forEach(WorkerProcess::close);
            }
        }
    }
}
