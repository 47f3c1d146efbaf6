package dev.conversationworker.ops;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What LLM calls cost and what the budget allows, on {@code /q/metrics}: tokens and cost per endpoint, the fleet's
 * budget left, the calls it refused and what triage decided. Each series exists from start-up at 0 (see
 * {@link WorkerMetrics}); the budget's gauge only where a budget is set.
 */
@ApplicationScoped
public class LlmSpendMetrics {

    /** {@code cached} is part of {@code prompt}, as providers count it. */
    private static final List<String> TOKEN_KINDS = List.of("prompt", "completion", "cached");
    /** Where triage sent a conversation: to the LLM, or answered by the offline analyzer. */
    public static final List<String> TRIAGE_DECISIONS = List.of("llm", "offline");

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Counter budgetRefused;

    public LlmSpendMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.budgetRefused = Counter.builder("cw.llm.budget.refused")
                .description("LLM calls not made because the fleet's token budget had no room for their worst case")
                .register(registry);
        TRIAGE_DECISIONS.forEach(this::triageCounter);
    }

    /** An LLM endpoint is configured: its token series, from 0. */
    public void startEndpoint(String endpoint) {
        TOKEN_KINDS.forEach(kind -> tokenCounter(endpoint, kind));
    }

    /** The endpoint has prices: its cost series, from 0. */
    public void startCost(String endpoint) {
        costCounter(endpoint);
    }

    /** A budget is set: {@code remaining} reads the tokens it has left for the fleet. */
    public void startBudget(Supplier<Number> remaining) {
        Gauge.builder("cw.llm.budget.remaining", remaining)
                .description("Tokens the fleet may still spend in the sliding hour (llm.budget.tokens-per-hour)")
                .register(registry);
    }

    /**
     * The tokens one LLM call was billed (or, its usage lost, is estimated to be): {@code cached} is the part of
     * {@code prompt} read from the provider's cache.
     */
    public void tokens(String endpoint, long prompt, long completion, long cached) {
        tokenCounter(endpoint, "prompt").increment(prompt);
        tokenCounter(endpoint, "completion").increment(completion);
        tokenCounter(endpoint, "cached").increment(cached);
    }

    /** What one LLM call cost, in the currency its endpoint's prices are in. */
    public void cost(String endpoint, double cost) {
        costCounter(endpoint).increment(cost);
    }

    public void budgetRefused() {
        budgetRefused.increment();
    }

    /** @param decision one of {@link #TRIAGE_DECISIONS} */
    public void triaged(String decision) {
        triageCounter(decision).increment();
    }

    private Counter tokenCounter(String endpoint, String kind) {
        return counters.computeIfAbsent("cw.llm.tokens|" + endpoint + "|" + kind, key -> Counter
                .builder("cw.llm.tokens").description("Tokens of LLM calls, billed or estimated, per endpoint and kind")
                .tags("endpoint", endpoint, "kind", kind).register(registry));
    }

    private Counter costCounter(String endpoint) {
        return counters.computeIfAbsent("cw.llm.cost|" + endpoint, key -> Counter.builder("cw.llm.cost")
                .description("Cost of LLM calls per endpoint, in the currency of its configured prices")
                .tags("endpoint", endpoint).register(registry));
    }

    private Counter triageCounter(String decision) {
        return counters.computeIfAbsent("cw.llm.triage|" + decision, key -> Counter.builder("cw.llm.triage")
                .description("Conversations triaged by the offline analyzer (llm.budget.when-spent=triage): "
                        + "sent to the LLM, or answered offline")
                .tags("decision", decision).register(registry));
    }
}
