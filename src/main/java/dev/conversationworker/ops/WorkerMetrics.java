package dev.conversationworker.ops;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;

import dev.conversationworker.model.AnalysisStatus;
import dev.conversationworker.model.EventType;
import dev.conversationworker.model.Provider;
import dev.conversationworker.model.Severity;
import dev.conversationworker.ops.MetricLabels.DeadLetterReason;
import dev.conversationworker.ops.MetricLabels.LlmOutcome;
import dev.conversationworker.ops.MetricLabels.NotificationKind;
import dev.conversationworker.ops.MetricLabels.PseudonymiseFailure;
import dev.conversationworker.ops.MetricLabels.SkipReason;
import dev.conversationworker.ops.MetricLabels.Stage;
import dev.conversationworker.ops.MetricLabels.SuppressReason;
import dev.conversationworker.ops.MetricLabels.WaitEvent;

/**
 * Every metric of the analysis side on {@code /q/metrics}, named in one place but for what LLM calls cost
 * ({@link LlmSpendMetrics}) and delivery's ({@code DeliveryMetrics}, which only a delivering instance starts). Each series exists from start-up, at 0
 * for each known label value ({@link MetricLabels}): an {@code increase()} or {@code rate()} over a series that
 * appears with its first increment misses that increment, and a panel shows nothing instead of 0.
 */
@ApplicationScoped
public class WorkerMetrics {

    private static final Duration MAX_END_TO_END = Duration.ofDays(366);

    /**
     * The gauges: what they read lives where the state is, and registers its reading here under one of these names.
     */
    public enum Gauge {

        EVENTS_IN_FLIGHT("cw.events.in.flight", "Events admitted and not yet finished"), EVENTS_IN_FLIGHT_PEAK(
                "cw.events.in.flight.peak",
                "Most events ever in flight at once"), EVENT_BYTES_IN_FLIGHT("cw.events.in.flight.bytes",
                        "Record bytes admitted and not yet finished"), EVENT_BYTES_IN_FLIGHT_PEAK(
                                "cw.events.in.flight.bytes.peak",
                                "Most record bytes ever in flight at once"), CONVERSATIONS_IN_FLIGHT(
                                        "cw.conversations.in.flight",
                                        "Ordering keys with work in flight"), LLM_WAITING("cw.llm.waiting",
                                                "Calls waiting for a slot under max-concurrency"), LLM_CONCURRENCY_LIMIT(
                                                        "cw.llm.concurrency.limit",
                                                        "Calls allowed at once (halved on 429, regrown on success)"), LLM_CIRCUIT_OPEN(
                                                                "cw.llm.circuit.open",
                                                                "1 while the endpoint's circuit is open (not called), else 0"), ANALYSES_WAITING(
                                                                        "cw.analyses.waiting",
                                                                        "Analyses waiting in Redis for an LLM (all instances)"), ANALYSES_RESUMING(
                                                                                "cw.analyses.resuming",
                                                                                "Waiting analyses this instance is trying again now"), CONVERSATIONS_ARMED(
                                                                                        "cw.conversations.armed",
                                                                                        "Conversations whose idle timer runs (all instances)"), IDLE_ANALYSES_IN_HAND(
                                                                                                "cw.idle.analyses.in.hand",
                                                                                                "Idle conversations this instance has claimed and not finished"), EVENT_LOOP_LAG_LAST(
                                                                                                        "cw.event.loop.lag.last.seconds",
                                                                                                        "How late the event loop ran the last probe"), EVENT_LOOP_LAG_MAX(
                                                                                                                "cw.event.loop.lag.max.seconds",
                                                                                                                "Largest event-loop lag since start");

        private final String meterName;
        private final String description;

        Gauge(String meterName, String description) {
            this.meterName = meterName;
            this.description = description;
        }
    }

    private final MeterRegistry registry;
    private final Counter hedges;
    private final Timer endToEnd;
    private final Timer idleLateness;
    // Meters are looked up on hot paths (event loops included): built once per tag set, then reused.
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Timer> llmTimers = new ConcurrentHashMap<>();

    public WorkerMetrics(MeterRegistry registry) {
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
        startCounters();
    }

    private void startCounters() {
        for (EventType type : EventType.values()) {
            counter("cw.events.in", "type", type.wireName());
        }
        counter("cw.events.in", "type", MetricLabels.INVALID_EVENT);
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            counter("cw.dead.letters", "reason", reason.value());
        }
        for (MetricLabels.AnalysisLabels analysis : MetricLabels.ANALYSES) {
            analysisCounter(analysis.status(), analysis.provider());
        }
        for (SkipReason reason : SkipReason.values()) {
            counter("cw.analyses.skipped", "reason", reason.value());
        }
        for (WaitEvent event : WaitEvent.values()) {
            counter("cw.analyses.waits", "event", event.value());
        }
        for (NotificationKind kind : NotificationKind.values()) {
            for (Severity severity : Severity.values()) {
                counter("cw.notifications", "kind", kind.value(), "severity", severity.wireName());
            }
        }
        for (SuppressReason reason : SuppressReason.values()) {
            counter("cw.notifications.suppressed", "reason", reason.value());
        }
        for (Stage stage : Stage.values()) {
            counter("cw.transient.retries", "stage", stage.value());
        }
        for (PseudonymiseFailure where : PseudonymiseFailure.values()) {
            counter("cw.pseudonymise.failures", "where", where.value());
        }
        for (String name : new String[]{"cw.history.duplicates", "cw.history.unreadable", "cw.history.unplaced",
                "cw.idle.conversations.armed", "cw.idle.analyses.started", "cw.progress.analyses.started",
                "cw.idle.claims.lost", "cw.idle.analyses.given.up"}) {
            counter(name);
        }
    }

    public void eventIn(EventType type) {
        counter("cw.events.in", "type", type.wireName()).increment();
    }

    /** A record that is not a valid event. */
    public void invalidEventIn() {
        counter("cw.events.in", "type", MetricLabels.INVALID_EVENT).increment();
    }

    public void deadLetter(DeadLetterReason reason) {
        counter("cw.dead.letters", "reason", reason.value()).increment();
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

    /** A trigger not analysed again (a redelivery after a crash or rebalance, or a history gone). */
    public void analysisSkipped(SkipReason reason) {
        counter("cw.analyses.skipped", "reason", reason.value()).increment();
    }

    public void analysis(AnalysisStatus status, Provider provider) {
        analysisCounter(status, provider).increment();
    }

    private Counter analysisCounter(AnalysisStatus status, Provider provider) {
        return counter("cw.analyses", "status", status.wireName(), "provider", provider.wireName());
    }

    public void waiting(WaitEvent event) {
        counter("cw.analyses.waits", "event", event.value()).increment();
    }

    /** @param kind a {@link NotificationKind} value; {@code severity} a {@link Severity} wire name */
    public void notification(String kind, String severity) {
        counter("cw.notifications", "kind", kind, "severity", severity).increment();
    }

    /** An LLM endpoint is configured: its latency series, for each outcome, from 0. */
    public void startLlmEndpoint(String endpoint) {
        for (LlmOutcome outcome : LlmOutcome.values()) {
            llmTimer(endpoint, outcome);
        }
    }

    public void llmCall(String endpoint, LlmOutcome outcome, Duration latency) {
        llmTimer(endpoint, outcome).record(latency);
    }

    private Timer llmTimer(String endpoint, LlmOutcome outcome) {
        return llmTimers.computeIfAbsent(endpoint + "|" + outcome.value(), key -> Timer.builder("cw.llm.latency")
                .description("Latency of LLM calls per endpoint and outcome")
                .tags("endpoint", endpoint, "outcome", outcome.value()).publishPercentileHistogram()
                .register(registry));
    }

    public void hedgeFired() {
        hedges.increment();
    }

    public void transientRetry(Stage stage) {
        counter("cw.transient.retries", "stage", stage.value()).increment();
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

    public void gauge(Gauge gauge, Supplier<Number> value) {
        gauge(gauge, List.of(), value);
    }

    public void gauge(Gauge gauge, Iterable<Tag> tags, Supplier<Number> value) {
        io.micrometer.core.instrument.Gauge.builder(gauge.meterName, value).description(gauge.description).tags(tags)
                .register(registry);
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
     * An idle analysis failed {@code analysis.idle.max-attempts} times and was given up: published as failed (or,
     * if even that failed, its idle timer dropped).
     */
    public void idleAnalysisGivenUp() {
        counter("cw.idle.analyses.given.up").increment();
    }

    /** A notification not sent, and why. */
    public void notificationSuppressed(SuppressReason reason) {
        counter("cw.notifications.suppressed", "reason", reason.value()).increment();
    }

    /** Personal data could not be replaced: nothing of the text left the worker (see {@link PseudonymiseFailure}). */
    public void pseudonymiseFailed(PseudonymiseFailure where) {
        counter("cw.pseudonymise.failures", "where", where.value()).increment();
    }

    /** The kinds of personal data the pseudonymiser knows, by wire name: their counters exist from start-up. */
    public void startPseudonymisedKinds(Iterable<String> kinds) {
        kinds.forEach(kind -> counter("cw.pseudonymised.values", "kind", kind));
    }

    /** Distinct personal values replaced before an analysis (counted again by every analysis of a conversation). */
    public void pseudonymised(String kind, int values) {
        counter("cw.pseudonymised.values", "kind", kind).increment(values);
    }
}
