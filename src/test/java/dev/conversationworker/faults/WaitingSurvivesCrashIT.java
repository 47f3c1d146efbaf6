package dev.conversationworker.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.conversationworker.testsupport.Infrastructure;
import dev.conversationworker.testsupport.IsolatedRun;
import dev.conversationworker.testsupport.LlmSimulator;
import dev.conversationworker.testsupport.LlmSimulator.Reply;
import dev.conversationworker.testsupport.WorkerProcess;

/**
 * Analyses waiting for a down LLM are durable: the worker is killed with SIGKILL while they wait (claims in flight
 * included), the LLM comes back, and a new worker publishes every one of them, once.
 */
@Tag("faults")
class WaitingSurvivesCrashIT {

    private static final int CONVERSATIONS = 300;

    @Test
    void analysesWaitingForTheLlmSurviveASigkill() throws Exception {
        String prefix = "cw-wait-crash-" + System.nanoTime();
        try (IsolatedRun run = new IsolatedRun("wait-crash", Infrastructure.get().redisHosts(),
                Map.of("HISTORY_KEY_PREFIX", prefix, "WORKER_MAX_IN_FLIGHT", "32", "LLM_CIRCUIT_OPEN_FOR", "2s",
                        "ANALYSIS_POLL_INTERVAL", "200ms", "ANALYSIS_RETRY_INITIAL_BACKOFF", "500ms",
                        "ANALYSIS_RETRY_MAX_BACKOFF", "2s", "ANALYSIS_LEASE", "10s", "LLM_DEADLINE", "5s"))) {
            // Every conversation's text contains "line 0": the LLM answers 503 to all of them.
            run.llm().script("line 0", "isolated-model", attempt -> Reply.status(503, Map.of()));
            run.produce(CONVERSATIONS, 2);

            WorkerProcess worker = run.startWorker();
            Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
            while (waiting(worker) < CONVERSATIONS && Instant.now().isBefore(deadline)) {
                Thread.sleep(200);
            }
            assertThat(waiting(worker)).as("all analyses waiting, with 32 in-flight slots").isEqualTo(CONVERSATIONS);
            assertThat(run.kafka().records(run.topic("out"))).as("nothing published while the LLM is down")
                    .isEmpty();
            // The triggers were acknowledged when their analyses began to wait; let their offsets be committed, so
            // that what the restart publishes comes from the waiting room, not from redelivered triggers.
            Thread.sleep(2500);
            worker.kill(); // maybe mid-claim: a claim's lease (10 s here) brings it back

            run.llm().script("line 0", "isolated-model",
                    attempt -> Reply.ok(5, LlmSimulator.defaultResult("")));
            try (WorkerProcess restarted = run.startWorker()) {
                run.awaitAllAnalysed(Duration.ofMinutes(2));
                Instant drained = Instant.now().plus(Duration.ofSeconds(10));
                while (waiting(restarted) > 0 && Instant.now().isBefore(drained)) {
                    Thread.sleep(200);
                }
                assertThat(waiting(restarted)).as("nothing left waiting").isZero();
            }
            int repeats = run.verifyNothingLostNothingDoubled();
            System.out.printf("[wait-crash] %d analyses waited for the LLM, SIGKILL, LLM back, restart: none lost, "
                    + "%d repeated%n", CONVERSATIONS, repeats);
            assertThat(repeats).isZero();
        }
    }

    private static double waiting(WorkerProcess worker) throws Exception {
        return WorkerProcess.metric(worker.metrics(), "cw_analyses_waiting ");
    }
}
