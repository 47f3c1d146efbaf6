package dev.conversationworker.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.conversationworker.testsupport.Infrastructure;
import dev.conversationworker.testsupport.IsolatedRun;
import dev.conversationworker.testsupport.KafkaProcess;
import dev.conversationworker.testsupport.WorkerProcess;

/** The broker restarted mid-run: the worker reconnects by itself and carries on, nothing lost. */
@Tag("faults")
class BrokerRestartIT {

    @Test
    void aBrokerRestartMidRunLosesNothing() throws Exception {
        try (KafkaProcess kafka = KafkaProcess.formatAndStart();
                IsolatedRun run = new IsolatedRun("broker-restart", kafka.bootstrapServers(),
                        Infrastructure.get().redisHosts(), Map.of("WORKER_MAX_IN_FLIGHT", "64"))) {
            run.llm().defaultLatency(model -> 400);
            run.produce(600, 2);
            try (WorkerProcess worker = run.startWorker()) {
                Thread.sleep(1500);
                assertThat(run.allAnalysed()).as("the restart must land mid-run").isFalse();
                kafka.stop();
                Thread.sleep(5000);
                kafka.start();
                run.awaitAllAnalysed(Duration.ofMinutes(2));
            }
            int repeats = run.verifyNothingLostNothingDoubled();
            System.out.printf("[broker-restart] 1800 events through a broker restart: none lost, %d repeated%n",
                    repeats);
        }
    }
}
