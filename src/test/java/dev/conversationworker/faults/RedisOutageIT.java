package dev.conversationworker.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.conversationworker.testsupport.IsolatedRun;
import dev.conversationworker.testsupport.WorkerProcess;

import redis.embedded.RedisServer;

/**
 * Redis stopped for 30 s mid-run (its data kept on disk, as a real restart keeps it): the worker does not
 * acknowledge what it could not store, says it is not ready, and carries on by itself afterwards with nothing lost
 * and nothing dead-lettered.
 */
@Tag("faults")
class RedisOutageIT {

    @Test
    void aThirtySecondRedisOutageLosesNothing() throws Exception {
        int port = freePort();
        Path dir = Files.createTempDirectory("redis-outage");
        RedisServer redis = redis(port, dir);
        redis.start();
        String hosts = "redis://127.0.0.1:" + port;
        try (IsolatedRun run = new IsolatedRun("redis-outage", hosts, Map.of("WORKER_RETRY_MAX_BACKOFF", "2s"))) {
            run.llm().defaultLatency(model -> 20);
            run.produce(200, 2);
            try (WorkerProcess worker = run.startWorker()) {
                run.awaitAllAnalysed(Duration.ofSeconds(60));

                redis.stop();
                Instant stopped = Instant.now();
                run.produce(300, 2); // arrives while Redis is away
                awaitReadiness(worker, 503, Duration.ofSeconds(20));
                Thread.sleep(Math.max(0, Duration.ofSeconds(30).minus(Duration.between(stopped, Instant.now()))
                        .toMillis()));
                assertThat(run.kafka().records(run.topic("out"))).as("nothing analysed without Redis")
                        .hasSize(200);

                redis = redis(port, dir);
                redis.start();
                awaitReadiness(worker, 200, Duration.ofSeconds(30));
                run.awaitAllAnalysed(Duration.ofMinutes(2));
            }
            run.verifyNothingLostNothingDoubled();
            String log = Files.readString(run.logs().get(0));
            assertThat(log).contains("CW0201");
            assertThat(log).doesNotContain("CW0101");
        } finally {
            redis.stop();
        }
    }

    private static RedisServer redis(int port, Path dir) throws Exception {
        return RedisServer.newRedisServer().bind("127.0.0.1").port(port).setting("dir " + dir)
                .setting("appendonly yes").setting("appendfsync always").setting("save \"\"").build();
    }

    private static void awaitReadiness(WorkerProcess worker, int status, Duration patience) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plus(patience);
        int last = -1;
        while (Instant.now().isBefore(deadline)) {
            last = http.send(HttpRequest.newBuilder(URI.create(worker.baseUrl() + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            if (last == status) {
                return;
            }
            Thread.sleep(500);
        }
        assertThat(last).as("readiness").isEqualTo(status);
    }

    private static int freePort() throws Exception {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
