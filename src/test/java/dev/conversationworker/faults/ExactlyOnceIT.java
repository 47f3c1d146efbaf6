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
 * {@code worker.delivery-guarantee=exactly-once} under the faults that make at-least-once repeat analyses (the
 * packaged worker killed with SIGKILL, a rebalance, a broker restart), read as a consumer must read it, with
 * {@code isolation.level=read_committed}: every analysis there once, none lost, each with the messages before its
 * trigger. The same runs at least once publish tens to hundreds of repeats ({@link CrashRecoveryIT} prints them).
 */
@Tag("faults")
class ExactlyOnceIT {

    private static final Map<String, String> EXACTLY_ONCE = Map.of("WORKER_DELIVERY_GUARANTEE", "exactly-once",
            "WORKER_MAX_IN_FLIGHT", "64");

    @Test
    void threeSigkillsPublishEachAnalysisOnce() throws Exception {
        Random random = new Random();
        try (IsolatedRun run = new IsolatedRun("eo-crash", Infrastructure.get().redisHosts(), EXACTLY_ONCE)) {
            run.llm().defaultLatency(model -> 100 + random.nextInt(200));
            run.produce(2000, 4, true);

            WorkerProcess worker = run.startWorker();
            for (int kill = 1; kill <= 3; kill++) {
                Thread.sleep(1500 + random.nextInt(2000));
                assertThat(run.allAnalysed()).as("the kill must land mid-run").isFalse();
                worker.kill();
                worker = run.startWorker();
            }
            run.awaitAllAnalysed(Duration.ofMinutes(3));
            worker.close();

            int repeats = run.verifyNothingLostNothingDoubled();
            System.out.printf("[exactly-once crash] 12000 events, 4000 analyses, 3 SIGKILLs: none lost, %d "
                    + "duplicates read committed%n", repeats);
            assertThat(repeats).as("analyses a read-committed consumer saw twice").isZero();
        }
    }

    @Test
    void aWorkerLeavingAndOneJoiningPublishEachAnalysisOnce() throws Exception {
        Random random = new Random();
        try (IsolatedRun run = new IsolatedRun("eo-rebalance", Infrastructure.get().bootstrapServers(),
                Infrastructure.get().redisHosts(), Map.of("WORKER_DELIVERY_GUARANTEE", "exactly-once",
                        "WORKER_MAX_IN_FLIGHT", "16"),
                6)) {
            run.llm().defaultLatency(model -> 100 + random.nextInt(100));
            List<WorkerProcess> workers = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    workers.add(run.startWorker());
                }
                run.produce(2000, 4, true);
                Thread.sleep(2500);
                assertThat(run.allAnalysed()).as("the rebalance must land mid-run").isFalse();
                workers.get(0).kill();
                workers.add(run.startWorker());
                Thread.sleep(1500);
                assertThat(workers.get(1).stopsCleanly(Duration.ofSeconds(30))).as("a worker leaving cleanly")
                        .isTrue();
                run.awaitAllAnalysed(Duration.ofMinutes(4));
                int repeats = run.verifyNothingLostNothingDoubled();
                System.out.printf("[exactly-once rebalance] 12000 events over 3 workers (one killed, one joined, one "
                        + "left): none lost, %d duplicates read committed%n", repeats);
                assertThat(repeats).as("analyses a read-committed consumer saw twice").isZero();
            } finally {
                workers.forEach(WorkerProcess::close);
            }
        }
    }

    @Test
    void aBrokerRestartPublishesEachAnalysisOnce() throws Exception {
        int repeats = BrokerRestartIT.restartMidRun("eo-broker-restart", EXACTLY_ONCE);
        System.out.printf("[exactly-once broker restart] 1800 events through a broker restart: none lost, %d "
                + "duplicates read committed%n", repeats);
        assertThat(repeats).as("analyses a read-committed consumer saw twice").isZero();
    }
}
