package dev.conversationworker.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.conversationworker.testsupport.IsolatedRun;
import dev.conversationworker.testsupport.RestartableRedis;
import dev.conversationworker.testsupport.WorkerProcess;

/**
 * A Redis outage longer than the commit strategy's patience ({@code throttled.unprocessed-record-max-age.ms},
 * shortened here to 5 s from 10 min): SmallRye closes the consumer for good. The worker must not sit there alive
 * and idle: liveness turns DOWN, and a restart (what an orchestrator does on a failed liveness probe) finishes the
 * work with nothing lost and nothing dead-lettered.
 */
@Tag("faults")
class ConsumerGivenUpIT {

    @Test
    void anOutageLongerThanTheMaxAgeTurnsLivenessDownAndARestartLosesNothing() throws Exception {
        try (RestartableRedis redis = new RestartableRedis("consumer-given-up");
                IsolatedRun run = new IsolatedRun("given-up", redis.hosts(), Map.of("WORKER_RETRY_MAX_BACKOFF", "1s",
                        "MP_MESSAGING_INCOMING_CHAT_EVENTS_THROTTLED_UNPROCESSED_RECORD_MAX_AGE_MS", "5000"))) {
            run.llm().defaultLatency(model -> 20);
            run.produce(50, 2);
            WorkerProcess worker = run.startWorker();
            try {
                run.awaitAllAnalysed(Duration.ofSeconds(60));
                assertThat(worker.httpStatus("/q/health/live")).isEqualTo(200);

                redis.stop();
                run.produce(100, 2); // arrives while Redis is away, and waits longer than the max age
                worker.awaitStatus("/q/health/live", 503, Duration.ofSeconds(60));

                redis.start();
                worker.kill(); // the orchestrator's restart
                worker = run.startWorker();
                run.awaitAllAnalysed(Duration.ofMinutes(2));
                assertThat(worker.httpStatus("/q/health/live")).isEqualTo(200);
            } finally {
                worker.close();
            }
            run.verifyNothingLostNothingDoubled();
        }
    }
}
