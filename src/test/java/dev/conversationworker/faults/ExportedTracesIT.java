package dev.conversationworker.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.conversationworker.testsupport.Infrastructure;
import dev.conversationworker.testsupport.IsolatedRun;
import dev.conversationworker.testsupport.WorkerProcess;

/**
 * The packaged worker, built with no OTLP endpoint, run with one named (no collector listens there), as a
 * deployment has it: tracing is on, so each analysis carries one {@code traceparent}, made by the Kafka connector
 * under its publish span (the input records carry none). A value the build recorded must not keep it off.
 */
@Tag("faults")
class ExportedTracesIT {

    @Test
    void tracingIsOnWhenTheDeploymentNamesACollector() throws Exception {
        try (IsolatedRun run = new IsolatedRun("traced", Infrastructure.get().redisHosts(),
                Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9"))) {
            run.produce(20, 2);
            try (WorkerProcess worker = run.startWorker()) {
                run.awaitAllAnalysed(Duration.ofMinutes(1));
            }
            for (String conversation : run.conversations()) {
                assertThat(run.kafka().records(run.topic("out"), conversation).get(0).headers()
                        .headers("traceparent")).as("traceparent headers of " + conversation).hasSize(1);
            }
        }
    }
}
