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
        int repeats = restartMidRun("broker-restart", Map.of("WORKER_MAX_IN_FLIGHT", "64"));
        System.out.printf("[broker-restart] 1800 events through a broker restart: none lost, %d repeated%n",
                repeats);
    }

    /**
     * 600 conversations of two messages and a close, the broker stopped for 5 s mid-run: every analysis published,
     * each with its messages ({@link IsolatedRun#verifyNothingLostNothingDoubled}); returns how many repeated.
     */
    static int restartMidRun(String label, Map<String, String> env) throws Exception {
        try (KafkaProcess kafka = KafkaProcess.formatAndStart();
                IsolatedRun run = new IsolatedRun(label, kafka.bootstrapServers(), Infrastructure.get().redisHosts(),
                        env)) {
            run.llm().defaultLatency(model -> 400);
            run.produce(600, 2);
            try (WorkerProcess worker = run.startWorker()) {
                Thread.sleep(2000);
                assertThat(run.allAnalysed()).as("the restart must land mid-run").isFalse();
                kafka.stop();
                Thread.sleep(5000);
                kafka.start();
                run.awaitAllAnalysed(Duration.ofMinutes(2));
            }
            return run.verifyNothingLostNothingDoubled();
        }
    }
}
