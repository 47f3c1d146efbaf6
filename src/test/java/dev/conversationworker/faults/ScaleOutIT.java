package dev.conversationworker.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.conversationworker.testsupport.Infrastructure;
import dev.conversationworker.testsupport.IsolatedRun;
import dev.conversationworker.testsupport.WorkerProcess;

/**
 * Three packaged workers in one consumer group on a 6-partition input share 3,000 conversations, each
 * {@code message, message, analysis.requested, message, message, conversation.closed}; one is killed with SIGKILL
 * and another joins mid-run. Every conversation gets both analyses, each with the messages that preceded its
 * trigger (so order was kept per conversation across the rebalances), repeats carry equal ids and equal results,
 * nothing is dead-lettered.
 */
@Tag("faults")
class ScaleOutIT {

    private static final int CONVERSATIONS = 3000;

    @Test
    void threeInstancesShareTheWorkAndOneDyingAndOneJoiningLosesAndReordersNothing() throws Exception {
        Random random = new Random();
        try (IsolatedRun run = new IsolatedRun("scale-out", Infrastructure.get().bootstrapServers(),
                Infrastructure.get().redisHosts(), Map.of("WORKER_MAX_IN_FLIGHT", "16"), 6)) {
            run.llm().defaultLatency(model -> 100 + random.nextInt(100));
            List<WorkerProcess> workers = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    workers.add(run.startWorker()); // the group forms before the input arrives
                }
                run.produce(CONVERSATIONS, 4, true);
                Thread.sleep(2000);
                assertThat(run.allAnalysed()).as("the kill must land mid-run").isFalse();
                workers.get(0).kill();
                workers.add(run.startWorker());
                run.awaitAllAnalysed(Duration.ofMinutes(4));
                int repeats = run.verifyNothingLostNothingDoubled();
                System.out.printf("[scale-out] %d events, %d analyses over 3 workers (one killed, one joined): "
                        + "none lost, each with the messages before its trigger, %d repeated with equal results%n",
                        CONVERSATIONS * 6, CONVERSATIONS * 2, repeats);
                for (WorkerProcess worker : workers.subList(1, workers.size())) {
                    assertThat(worker.alive()).isTrue();
                }
            } finally {
                workers.forEach(WorkerProcess::close);
            }
        }
    }
}
