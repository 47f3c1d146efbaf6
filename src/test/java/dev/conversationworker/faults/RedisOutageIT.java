package dev.conversationworker.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.conversationworker.testsupport.IsolatedRun;
import dev.conversationworker.testsupport.RestartableRedis;
import dev.conversationworker.testsupport.WorkerProcess;

/**
 * Redis stopped for 30 s mid-run (its data kept on disk, as a real restart keeps it): the worker does not
 * acknowledge what it could not store, says it is not ready, and carries on by itself afterwards with nothing lost
 * and nothing dead-lettered.
 */
@Tag("faults")
class RedisOutageIT {

    @Test
    void aThirtySecondRedisOutageLosesNothing() throws Exception {
        try (RestartableRedis redis = new RestartableRedis("redis-outage");
                IsolatedRun run = new IsolatedRun("redis-outage", redis.hosts(),
                        Map.of("WORKER_RETRY_MAX_BACKOFF", "2s"))) {
            run.llm().defaultLatency(model -> 20);
            run.produce(200, 2);
            try (WorkerProcess worker = run.startWorker()) {
                run.awaitAllAnalysed(Duration.ofSeconds(60));

                redis.stop();
                Instant stopped = Instant.now();
                run.produce(300, 2); // arrives while Redis is away
                worker.awaitStatus("/q/health/ready", 503, Duration.ofSeconds(20));
                Thread.sleep(Math.max(0, Duration.ofSeconds(30).minus(Duration.between(stopped, Instant.now()))
                        .toMillis()));
                assertThat(run.kafka().records(run.topic("out"))).as("nothing analysed without Redis")
                        .hasSize(200);

                redis.start();
                worker.awaitStatus("/q/health/ready", 200, Duration.ofSeconds(30));
                run.awaitAllAnalysed(Duration.ofMinutes(2));
            }
            run.verifyNothingLostNothingDoubled();
            String log = Files.readString(run.logs().get(0));
            assertThat(log).contains("CW0201");
            assertThat(log).doesNotContain("CW0101");
            // The packaged worker runs the prod profile: JSON lines, and a line about an event names it.
            assertThat(log.lines().filter(line -> line.contains("CW0201")).findFirst().orElseThrow())
                    .startsWith("{").containsPattern("\"conversationId\":\"redis-outage-[^\"]+\"")
                    .containsPattern("\"eventId\":\"[^\"]+\"");
        }
    }
}
