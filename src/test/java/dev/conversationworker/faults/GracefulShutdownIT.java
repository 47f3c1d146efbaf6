package dev.conversationworker.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.conversationworker.testsupport.Infrastructure;
import dev.conversationworker.testsupport.IsolatedRun;
import dev.conversationworker.testsupport.WorkerProcess;

/** SIGTERM mid-run: in-flight work finishes, is committed, and a restart repeats none of it. */
@Tag("faults")
class GracefulShutdownIT {

    @Test
    void sigtermFinishesWhatIsInFlightAndARestartRepeatsNothing() throws Exception {
        Random random = new Random();
        try (IsolatedRun run = new IsolatedRun("graceful", Infrastructure.get().redisHosts(),
                Map.of("WORKER_MAX_IN_FLIGHT", "64"))) {
            run.llm().defaultLatency(model -> 200 + random.nextInt(200));
            run.produce(1000, 2);

            WorkerProcess worker = run.startWorker();
            Thread.sleep(2500);
            assertThat(worker.stopsCleanly(Duration.ofSeconds(30))).as("stops after SIGTERM").isTrue();
            assertThat(Files.readString(run.logs().get(0))).contains("CW0105").contains("all finished");
            Thread.sleep(1000); // let the test's reader catch up with what was published
            List<String> analysedBeforeRestart = run.conversations().stream()
                    .filter(c -> !run.kafka().records(run.topic("out"), c).isEmpty()).toList();
            assertThat(analysedBeforeRestart).as("the SIGTERM landed mid-run").isNotEmpty()
                    .hasSizeLessThan(run.conversations().size());

            try (WorkerProcess restarted = run.startWorker()) {
                run.awaitAllAnalysed(Duration.ofMinutes(2));
            }
            int repeats = run.verifyNothingLostNothingDoubled();
            System.out.printf("[graceful] %d analysed before SIGTERM, %d after restart, %d repeated%n",
                    analysedBeforeRestart.size(), run.conversations().size() - analysedBeforeRestart.size(), repeats);
            assertThat(repeats).as("nothing finished before SIGTERM is processed again").isZero();
        }
    }
}
