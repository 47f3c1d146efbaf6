package dev.conversationworker.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class CircuitBreakerTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final CircuitBreaker circuit = new CircuitBreaker(3, Duration.ofSeconds(30), now::get);

    @Test
    void opensAfterFailuresInARowThenLetsOneProbeThroughAndClosesOnSuccess() {
        circuit.failed();
        circuit.failed();
        circuit.succeeded(); // not in a row
        circuit.failed();
        circuit.failed();
        assertThat(circuit.tryAcquire()).isTrue();
        assertThat(circuit.failed()).as("this failure opens it").isTrue();
        assertThat(circuit.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(circuit.tryAcquire()).isFalse();

        now.addAndGet(Duration.ofSeconds(31).toNanos());
        assertThat(circuit.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
        assertThat(circuit.tryAcquire()).as("the probe").isTrue();
        assertThat(circuit.tryAcquire()).as("only one probe").isFalse();
        circuit.succeeded();
        assertThat(circuit.state()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(circuit.tryAcquire()).isTrue();
    }

    @Test
    void aFailedProbeReopensAndACancelledOneFreesTheProbeSlot() {
        for (int i = 0; i < 3; i++) {
            circuit.failed();
        }
        now.addAndGet(Duration.ofSeconds(31).toNanos());
        assertThat(circuit.tryAcquire()).isTrue();
        circuit.abandoned(); // the probe's hedge lost
        assertThat(circuit.tryAcquire()).isTrue();
        assertThat(circuit.failed()).as("a failed probe keeps it open: no news").isFalse();
        assertThat(circuit.state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(circuit.tryAcquire()).isFalse();
    }
}
