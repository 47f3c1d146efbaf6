package dev.conversationworker.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.vertx.core.json.JsonObject;

import dev.conversationworker.model.AnalysisRecord;
import dev.conversationworker.model.TriggerType;
import dev.conversationworker.testsupport.Events;
import dev.conversationworker.testsupport.Infrastructure;
import dev.conversationworker.testsupport.IsolatedRun;
import dev.conversationworker.testsupport.LlmSimulator;
import dev.conversationworker.testsupport.LlmSimulator.Reply;
import dev.conversationworker.testsupport.WorkerProcess;

/**
 * A rollout while an idle analysis runs: of two workers sharing the idle schedule, the one that claimed an idle
 * conversation is SIGTERMed while its LLM call, slower than the idle lease, is still out; the other, polling the
 * schedule on, would take a claim that lapsed. The conversation is analysed once, under one {@code analysisId}, with
 * one result.
 */
@Tag("faults")
class IdleShutdownIT {

    private static final Duration LLM_HOLD = Duration.ofSeconds(25);

    @Test
    void aWorkerStoppingMidIdleAnalysisKeepsItsClaimAndNoOtherWorkerAnalysesTheConversationAgain()
            throws Exception {
        Infrastructure infra = Infrastructure.get();
        Map<String, String> env = Map.of("HISTORY_KEY_PREFIX", "cw-idle-stop-" + System.nanoTime(),
                "ANALYSIS_IDLE_AFTER", "2s", "ANALYSIS_POLL_INTERVAL", "200ms", "ANALYSIS_IDLE_LEASE", "3s",
                "ANALYSIS_LEASE", "60s", "LLM_DEADLINE", "50s", "LLM_REQUEST_TIMEOUT", "45s",
                "WORKER_SHUTDOWN_TIMEOUT", "45s");
        try (IsolatedRun run = new IsolatedRun("idle-stop", infra.bootstrapServers(), infra.redisHosts(), env, 2)) {
            run.llm().recordCalls(true);
            String token = "tokidlestop" + System.nanoTime();
            // The first call outlives eight idle leases (and, from the SIGTERM, less than the drain); any later one
            // answers at once, with another summary.
            run.llm().script(token, "isolated-model", attempt -> Reply.ok(attempt == 1 ? LLM_HOLD.toMillis() : 10,
                    LlmSimulator.defaultResult("").put("summary", "attempt " + attempt)));
            String c = run.topic("c");
            List<WorkerProcess> workers = List.of(run.startWorker(), run.startWorker());
            try {
                run.kafka().send(c, Events.message(c + "-m0", c, "user", "Where is my parcel? " + token).encode());
                Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
                while (run.llm().calls(token).isEmpty() && Instant.now().isBefore(deadline)) {
                    Thread.sleep(50);
                }
                assertThat(run.llm().calls(token)).as("the idle analysis asked the LLM").hasSize(1);
                WorkerProcess claimer = null;
                for (WorkerProcess worker : workers) {
                    if (WorkerProcess.metric(worker.metrics(), "cw_idle_analyses_started_total") > 0) {
                        claimer = worker;
                    }
                }
                assertThat(claimer).as("the worker analysing it").isNotNull();
                assertThat(run.llm().callsInFlight()).as("SIGTERM while the LLM holds the analysis").isOne();
                // A rollout: the worker analysing it gets SIGTERM mid-analysis; the other polls the schedule on.
                assertThat(claimer.stopsCleanly(Duration.ofSeconds(70))).as("the claiming worker stops").isTrue();
                Thread.sleep(5000); // a lapsed claim would have been taken and analysed by now
                for (WorkerProcess worker : workers) {
                    assertThat(worker == claimer || worker.alive()).isTrue();
                }
            } finally {
                workers.forEach(WorkerProcess::close);
            }

            List<JsonObject> analyses = run.kafka().values(run.topic("out"), c);
            System.out.printf("[idle-stop] idle analysis held %d s by the LLM across a SIGTERM: %d LLM calls, %d "
                    + "analyses published%n", LLM_HOLD.toSeconds(), run.llm().calls(token).size(), analyses.size());
            assertThat(analyses).as("idle analyses of " + c).hasSize(1);
            JsonObject analysis = analyses.get(0);
            assertThat(analysis.getString("analysisId"))
                    .isEqualTo(AnalysisRecord.analysisId(c, c + "-m0", TriggerType.CONVERSATION_IDLE));
            assertThat(analysis.getString("status")).isEqualTo("ok");
            assertThat(run.llm().calls(token)).as("no second LLM call for the same conversation").hasSize(1);
        }
    }
}
