package dev.conversationworker.ops;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;

/** Every metric the worker exposes on {@code /q/metrics}, named in one place. */
@ApplicationScoped
public class WorkerMetrics {

    private final MeterRegistry registry;
    private final Counter hedges;

    WorkerMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.hedges = Counter.builder("cw.llm.hedges")
                .description("Fallback calls started because the primary was slow")
                .register(registry);
    }

    /** @param type the event type, or {@code unparsed} */
    public void eventIn(String type) {
        registry.counter("cw.events.in", "type", type).increment();
    }

    public void deadLetter(String reason) {
        registry.counter("cw.dead.letters", "reason", reason).increment();
    }

    public void duplicateMessage() {
        registry.counter("cw.history.duplicates").increment();
    }

    public void analysis(String status, String provider) {
        registry.counter("cw.analyses", "status", status, "provider", provider).increment();
    }

    public void notification(String kind, String severity) {
        registry.counter("cw.notifications", "kind", kind, "severity", severity).increment();
    }

    public void llmCall(String endpoint, String outcome, Duration latency) {
        Timer.builder("cw.llm.latency").description("Latency of LLM calls per endpoint and outcome")
                .tags("endpoint", endpoint, "outcome", outcome).publishPercentileHistogram()
                .register(registry).record(latency);
    }

    public void hedgeFired() {
        hedges.increment();
    }

    public void transientRetry(String stage) {
        registry.counter("cw.transient.retries", "stage", stage).increment();
    }

    public void endToEnd(Duration sinceEvent) {
        Timer.builder("cw.analysis.end.to.end").description("From the trigger event's timestamp to its analysis")
                .publishPercentileHistogram().register(registry).record(sinceEvent);
    }

    public void gauge(String name, String description, Supplier<Number> value) {
        gauge(name, description, List.of(), value);
    }

    public void gauge(String name, String description, Iterable<Tag> tags, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).tags(tags).register(registry);
    }
}
