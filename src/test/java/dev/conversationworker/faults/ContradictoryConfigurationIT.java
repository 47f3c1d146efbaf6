package dev.conversationworker.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.conversationworker.testsupport.Infrastructure;
import dev.conversationworker.testsupport.IsolatedRun;

/**
 * Settings that contradict each other stop the packaged worker at start-up, with a message naming the keys, before
 * it touches a single record (a worker that half-started could otherwise fail, and dead-letter, healthy events).
 */
@Tag("faults")
class ContradictoryConfigurationIT {

    @Test
    void aLeaseShorterThanTheLlmDeadlineStopsTheWorkerBeforeAnyRecordIsTouched() throws Exception {
        try (IsolatedRun run = new IsolatedRun("contradiction", Infrastructure.get().redisHosts(),
                Map.of("ANALYSIS_LEASE", "10s", "LLM_DEADLINE", "30s"))) {
            run.produce(20, 2);
            assertThatThrownBy(run::startWorker).hasMessageContaining("the worker exited");
            String log = Files.readString(run.logs().get(0));
            assertThat(log).contains("The configuration contradicts itself")
                    .contains("analysis.lease (PT10S) must be longer than llm.deadline (PT30S)")
                    .doesNotContain("CW0102").doesNotContain("CW0101");
            Thread.sleep(1000);
            assertThat(run.kafka().records(run.topic("dlq"))).isEmpty();
            assertThat(run.kafka().records(run.topic("out"))).isEmpty();
        }
    }
}
