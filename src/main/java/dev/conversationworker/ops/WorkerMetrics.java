package dev.conversationworker.ops;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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

    private static final Duration MAX_END_TO_END = Duration.ofDays(366);

    private final MeterRegistry registry;
    private final Counter hedges;
    private final Timer endToEnd;
    private final Timer idleLateness;
    // Meters are looked up on hot paths (event loops included): built once per tag set, then reused.
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Timer> llmTimers = new ConcurrentHashMap<>();

    WorkerMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.hedges = Counter.builder("cw.llm.hedges")
                .description("Fallback calls started because the primary was slow")
                .register(registry);
        this.endToEnd = Timer.builder("cw.analysis.end.to.end")
                .description("From the trigger event's timestamp to its analysis").publishPercentileHistogram()
                .register(registry);
        this.idleLateness = Timer.builder("cw.idle.analysis.lateness")
                .description("From when a conversation's idle timer fell due to when its idle analysis started")
                .publishPercentileHistogram().register(registry);
    }

    /** @param type the event type, or {@code invalid} */
    public void eventIn(String type) {
        counter("cw.events.in", "type", type).increment();
    }

    public void deadLetter(String reason) {
        counter("cw.dead.letters", "reason", reason).increment();
    }

    public void duplicateMessage() {
        counter("cw.history.duplicates").increment();
    }

    /** Stored history entries an analysis could not read (damaged, hand-written): skipped, never retried. */
    public void unreadableHistoryEntries(int count) {
        counter("cw.history.unreadable").increment(count);
    }

    /** History entries whose place relative to the trigger was unknown (older format): taken as earlier. */
    public void unplacedHistoryEntries(int count) {
        counter("cw.history.unplaced").increment(count);
    }

    /**
     * A trigger not analysed again (a redelivery after a crash or rebalance).
     *
     * @param reason {@code already-published}, or {@code waiting} (the waiting room publishes it)
     */
    public void analysisSkipped(String reason) {
        counter("cw.analyses.skipped", "reason", reason).increment();
    }

    public void analysis(String status, String provider) {
        counter("cw.analyses", "status", status, "provider", provider).increment();
    }

    /**
     * @param event of an analysis waiting for an LLM: {@code waiting} (parked), {@code already_waiting},
     *        {@code full} (not parked), {@code retry}, {@code resumed} (answered), {@code expired} (failed) or
     *        {@code given_up} (failed unexpectedly too often)
     */
    public void waiting(String event) {
        counter("cw.analyses.waits", "event", event).increment();
    }

    public void notification(String kind, String severity) {
        counter("cw.notifications", "kind", kind, "severity", severity).increment();
    }

    public void llmCall(String endpoint, String outcome, Duration latency) {
        llmTimers.computeIfAbsent(endpoint + "|" + outcome, key -> Timer.builder("cw.llm.latency")
                .description("Latency of LLM calls per endpoint and outcome")
                .tags("endpoint", endpoint, "outcome", outcome).publishPercentileHistogram()
                .register(registry)).record(latency);
    }

    public void hedgeFired() {
        hedges.increment();
    }

    public void transientRetry(String stage) {
        counter("cw.transient.retries", "stage", stage).increment();
    }

    public void endToEnd(Duration sinceEvent) {
        // A producer's clock can be far off: a negative or absurd duration would skew (or overflow) the timer.
        if (!sinceEvent.isNegative() && sinceEvent.compareTo(MAX_END_TO_END) <= 0) {
            endToEnd.record(sinceEvent);
        }
    }

    private Counter counter(String name, String... tags) {
        return counters.computeIfAbsent(name + String.join("|", tags), key -> registry.counter(name, tags));
    }

    public void gauge(String name, String description, Supplier<Number> value) {
        gauge(name, description, List.of(), value);
    }

    public void gauge(String name, String description, Iterable<Tag> tags, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).tags(tags).register(registry);
    }

    /** A stored message armed its conversation's idle timer (this instance's appends). */
    public void conversationArmed() {
        counter("cw.idle.conversations.armed").increment();
    }

    /** An idle analysis began, {@code lateness} after its timer fell due. */
    public void idleAnalysisStarted(Duration lateness) {
        counter("cw.idle.analyses.started").increment();
        if (!lateness.isNegative()) {
            idleLateness.record(lateness);
        }
    }

    /** A progress analysis began (every {@code analysis.every-messages} stored messages). */
    public void progressAnalysisStarted() {
        counter("cw.progress.analyses.started").increment();
    }

    /**
     * An idle conversation's claim was lost: its lease ran out while this instance still held it, and another
     * instance claimed it.
     */
    public void idleClaimLost() {
        counter("cw.idle.claims.lost").increment();
    }

    /**
     * An idle analysis failed {@code analysis.idle-max-attempts} times and was given up: published as failed (or,
     * if even that failed, its idle timer dropped).
     */
    public void idleAnalysisGivenUp() {
        counter("cw.idle.analyses.given.up").increment();
    }

    /** @param reason why a notification was not sent: {@code attention-window} (the conversation paged already) */
    public void notificationSuppressed(String reason) {
        counter("cw.notifications.suppressed", "reason", reason).increment();
    }
}
