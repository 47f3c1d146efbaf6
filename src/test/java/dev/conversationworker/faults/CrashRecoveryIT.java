package dev.conversationworker.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.conversationworker.testsupport.Infrastructure;
import dev.conversationworker.testsupport.IsolatedRun;
import dev.conversationworker.testsupport.WorkerProcess;

/**
 * The packaged worker killed with SIGKILL three times at random moments while 2,000 conversations go through it,
 * restarted each time: nothing lost, nothing doubled but repeats of equal analyses (also of an
 * {@code analysis.requested} with messages after it, redelivered after a kill); and no secret anywhere. It prints
 * how many analyses repeated: before analyses were remembered as published, about 250 of the 2,000.
 */
@Tag("faults")
class CrashRecoveryIT {

    @Test
    void threeSigkillsLoseNothingAndDoubleOnlyEqualAnalyses() throws Exception {
        Random random = new Random();
        try (IsolatedRun run = new IsolatedRun("crash", Infrastructure.get().redisHosts(),
                Map.of("WORKER_MAX_IN_FLIGHT", "64"))) {
            run.llm().defaultLatency(model -> 100 + random.nextInt(200));
            run.produce(2000, 4, true);

            WorkerProcess worker = run.startWorker();
            for (int kill = 1; kill <= 3; kill++) {
                Thread.sleep(1000 + random.nextInt(2000));
                int analysedSoFar = (int) run.conversations().stream()
                        .filter(c -> !run.kafka().records(run.topic("out"), c).isEmpty()).count();
                System.out.printf("[crash] SIGKILL %d with %d of %d conversations analysed%n", kill, analysedSoFar,
                        run.conversations().size());
                assertThat(run.allAnalysed()).as("the kill must land mid-run").isFalse();
                worker.kill();
                worker = run.startWorker();
            }
            run.awaitAllAnalysed(Duration.ofMinutes(3));
            String metrics = worker.metrics();
            worker.close();

            int repeats = run.verifyNothingLostNothingDoubled();
            System.out.printf("[crash] 12000 events, 4000 analyses expected: none lost, %d repeated with equal ids and "
                    + "equal results%n", repeats);

            // Secrets: never in logs, metrics or any record the worker wrote.
            for (Path log : run.logs()) {
                assertThat(Files.readString(log)).doesNotContain(IsolatedRun.API_KEY);
            }
            assertThat(metrics).doesNotContain(IsolatedRun.API_KEY);
            for (String topic : new String[]{run.topic("out"), run.topic("notify"), run.topic("dlq")}) {
                for (ConsumerRecord<byte[], byte[]> record : run.kafka().records(topic)) {
                    assertThat(new String(record.value(), java.nio.charset.StandardCharsets.UTF_8))
                            .doesNotContain(IsolatedRun.API_KEY);
                }
            }
        }
    }
}
