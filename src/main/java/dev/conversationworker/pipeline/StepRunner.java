package dev.conversationworker.pipeline;

import java.util.function.Supplier;

import jakarta.inject.Singleton;

import io.smallrye.mutiny.Uni;

import dev.conversationworker.ingest.WorkerConfig;
import dev.conversationworker.ops.MetricLabels.Stage;
import dev.conversationworker.ops.Traces;
import dev.conversationworker.ops.WorkerMetrics;
import dev.conversationworker.support.Backoff;
import dev.conversationworker.support.TransientFailures;
import dev.conversationworker.support.UntilDone;

/**
 * How every step's I/O runs: each attempt is a span named after its {@link Stage}, and a transient failure (Redis
 * or Kafka away, the CPU pool full) is counted, logged and retried with capped backoff until the worker stops.
 * Shared by all steps, so that {@link #stop()} ends the retries of all of them. Pure orchestration over
 * {@link UntilDone} (whose own test covers the retries); the integration tests cover it in place.
 */
@Singleton
class StepRunner {

    private final Traces traces;
    private final WorkerMetrics metrics;
    private final Backoff retryBackoff;
    private volatile boolean stopping;

    StepRunner(Traces traces, WorkerMetrics metrics, WorkerConfig config) {
        this.traces = traces;
        this.metrics = metrics;
        this.retryBackoff = new Backoff(config.retryInitialBackoff(), config.retryMaxBackoff());
    }

    <T> Uni<T> untilDone(Stage stage, TracedEvent event, Supplier<Uni<T>> step) {
        return untilDone(stage, event, step, () -> {
        });
    }

    /** @param onRetry runs before each retry, after a transient failure */
    <T> Uni<T> untilDone(Stage stage, TracedEvent event, Supplier<Uni<T>> step, Runnable onRetry) {
        return UntilDone.run(() -> traces.span(stage.value(), event.trace(), step), this::retryable, failure -> {
            onRetry.run();
            metrics.transientRetry(stage);
            event.log(() -> PipelineLog.LOG.transientFailure(stage.value(), failure.getClass().getSimpleName(),
                    failure.getMessage()));
        }, retryBackoff);
    }

    /** The worker is stopping: transient failures are no longer retried; their records stay unacknowledged. */
    void stop() {
        stopping = true;
    }

    private boolean retryable(Throwable failure) {
        return !stopping && TransientFailures.isTransient(failure);
    }
}
