package dev.conversationworker.analysis;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Tag;
import io.opentelemetry.context.Context;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.core.Vertx;

import dev.conversationworker.history.HistoryConfig;
import dev.conversationworker.model.AnalysisOutcome;
import dev.conversationworker.model.AnalysisResult;
import dev.conversationworker.model.AnalysisStatus;
import dev.conversationworker.model.FormattedConversation;
import dev.conversationworker.model.HistoryEntry;
import dev.conversationworker.model.LlmBudgetTurned;
import dev.conversationworker.model.LlmNeedsOperator;
import dev.conversationworker.model.LlmUsage;
import dev.conversationworker.model.OfflineReason;
import dev.conversationworker.model.Provider;
import dev.conversationworker.model.Severity;
import dev.conversationworker.ops.LlmSpendMetrics;
import dev.conversationworker.ops.MetricLabels.LlmOutcome;
import dev.conversationworker.ops.Traces;
import dev.conversationworker.ops.WorkerMetrics;
import dev.conversationworker.support.TokenCount;

/**
 * The door to analysis: asks the LLM (primary, hedged by the fallback, under one deadline) or, when no LLM is
 * configured, the offline analyzer. Never fails: when nothing valid comes back the outcome says {@code failed}.
 * With a fleet budget ({@code llm.budget.*}) every call reserves its worst case first; what an analysis gets when the
 * budget has no room is {@code llm.budget.when-spent}'s: the offline analyzer's answer, a wait in the waiting room,
 * or, with triage, the LLM only for what the offline analyzer finds serious.
 */
@ApplicationScoped
public class ConversationAnalyzer {

    private static final Logger LOG = Logger.getLogger(ConversationAnalyzer.class);

    private final LlmConfig config;
    private final WorkerMetrics metrics;
    private final Optional<LlmEndpoint> primary;
    private final Optional<LlmEndpoint> fallback;
    private final OfflineAnalyzer offline = new OfflineAnalyzer();
    private final Event<LlmNeedsOperator> needsOperator;
    private final UsageLedger.Sink billing;
    private final LlmSpendMetrics spend;
    private final TokenBudget budget;

    ConversationAnalyzer(LlmConfig config, LlmHttpClient http, WorkerMetrics metrics, LlmSpendMetrics spend,
            Event<LlmNeedsOperator> needsOperator, Event<LlmBudgetTurned> budgetTurned, Traces traces,
            ReactiveRedisDataSource redis, HistoryConfig history, Vertx vertx) {
        this.config = config;
        this.metrics = metrics;
        this.spend = spend;
        this.needsOperator = needsOperator;
        LlmConfig.Endpoint p = config.primary();
        LlmConfig.Endpoint f = config.fallback();
        this.primary = p.baseUrl().filter(url -> !url.isBlank())
                .map(url -> new LlmEndpoint(new EndpointSettings(Provider.PRIMARY,
                        url, p.apiKey().orElse(null), p.model().orElse(TokenCount.DEFAULT_MODEL), p.responseFormat(),
                        p.maxConcurrency()), config, http, traces));
        // A fallback without a URL of its own is another model on the primary's server (with the primary's key).
        Optional<String> fallbackUrl = f.baseUrl().filter(url -> !url.isBlank())
                .or(() -> f.model().flatMap(model -> p.baseUrl()));
        this.fallback = primary.isEmpty()
                ? Optional.empty()
                : fallbackUrl.map(url -> new LlmEndpoint(new EndpointSettings(Provider.FALLBACK, url,
                        f.apiKey().or(() -> f.baseUrl().isPresent() ? Optional.empty() : p.apiKey()).orElse(null),
                        f.model().or(p::model).orElse(TokenCount.DEFAULT_MODEL), f.responseFormat(),
                        f.maxConcurrency()),
                        config, http, traces));
        primary.ifPresent(this::registerGauges);
        primary.ifPresent(ConversationAnalyzer::warnIfKeyInClear);
        fallback.ifPresent(ConversationAnalyzer::warnIfKeyInClear);
        fallback.ifPresent(this::registerGauges);
        Map<String, TokenPrices> prices = new HashMap<>();
        primary.flatMap(e -> TokenPrices.of(p.pricePerMillion())).ifPresent(price -> prices.put(
                Provider.PRIMARY.wireName(), price));
        fallback.flatMap(e -> TokenPrices.of(f.pricePerMillion())).ifPresent(price -> prices.put(
                Provider.FALLBACK.wireName(), price));
        prices.keySet().forEach(spend::startCost);
        this.billing = (endpoint, call) -> {
            spend.tokens(endpoint, call.promptTokens(), call.completionTokens(), call.cachedTokens());
            TokenPrices price = prices.get(endpoint);
            if (price != null) {
                spend.cost(endpoint, price.cost(call));
            }
        };
        this.budget = primary.isEmpty()
                ? TokenBudget.UNLIMITED
                : TokenBudget.configured(config.budget(), redis, history.keyPrefix(), budgetTurned::fire, spend, vertx);
        LlmLog.LOG.analysisBy(primary.map(e -> "LLM " + e.model() + fallback.map(fb -> " hedged by "
                + fb.model() + " after " + config.hedgeDelay().toMillis() + " ms").orElse(" (no fallback)"))
                .orElse("the offline analyzer (llm.primary.base-url is not set)"));
    }

    private static void warnIfKeyInClear(LlmEndpoint endpoint) {
        if (endpoint.sendsKeyInClear()) {
            // Never the key itself.
            LlmLog.LOG.keyInClear(endpoint.name(), endpoint.model());
        }
    }

    private void registerGauges(LlmEndpoint endpoint) {
        List<Tag> tags = List.of(Tag.of("endpoint", endpoint.name()));
        metrics.startLlmEndpoint(endpoint.name());
        spend.startEndpoint(endpoint.name());
        metrics.gauge(WorkerMetrics.Gauge.LLM_WAITING, tags, endpoint::waitingForSlot);
        metrics.gauge(WorkerMetrics.Gauge.LLM_CONCURRENCY_LIMIT, tags, endpoint::concurrencyLimit);
        metrics.gauge(WorkerMetrics.Gauge.LLM_CIRCUIT_OPEN, tags,
                () -> endpoint.circuitState() == CircuitBreaker.State.OPEN ? 1 : 0);
    }

    /** @param trace the trace of the trigger: LLM calls are spans under it */
    public Uni<AnalysisOutcome> analyse(List<HistoryEntry> history, FormattedConversation formatted, Context trace) {
        if (history.isEmpty()) {
            return Uni.createFrom()
                    .item(new AnalysisOutcome(AnalysisStatus.OK, Provider.NONE, null, 0L, new AnalysisResult(List.of(),
                            "none", "neutral", "The conversation has no messages.", false, Severity.NONE, "und"), null,
                            false, LlmUsage.NONE, AnalysisPrompt.VERSION, null));
        }
        if (primary.isEmpty()) {
            return Uni.createFrom().item(() -> offlineAnswer(offline.analyse(history), null));
        }
        if (!budget.limited()) {
            return askLlm(formatted, trace, LlmUsage.NONE, null);
        }
        return switch (config.budget().whenSpent()) {
            case WAIT -> askLlm(formatted, trace, LlmUsage.NONE, null);
            // Offline analysis is CPU work, and the budget's refusal comes on an event loop: a worker thread does it.
            case OFFLINE -> askLlm(formatted, trace, LlmUsage.NONE, () -> Uni.createFrom()
                    .item(() -> offlineAnswer(offline.analyse(history), OfflineReason.BUDGET_SPENT))
                    .runSubscriptionOn(Infrastructure.getDefaultWorkerPool()));
            case TRIAGE -> triage(history, formatted, trace);
        };
    }

    /**
     * The offline analyzer first (on a worker thread: it reads the whole history); the LLM only for what it finds at
     * least {@code llm.budget.triage-min-severity}, and for those too its answer stands when the budget is spent.
     */
    private Uni<AnalysisOutcome> triage(List<HistoryEntry> history, FormattedConversation formatted, Context trace) {
        return Uni.createFrom().item(() -> offline.analyse(history))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .chain(triaged -> {
                    if (!triaged.severity().atLeast(config.budget().triageMinSeverity())) {
                        spend.triaged(LlmSpendMetrics.TRIAGE_DECISIONS.get(1));
                        return Uni.createFrom().item(offlineAnswer(triaged, OfflineReason.TRIAGE));
                    }
                    spend.triaged(LlmSpendMetrics.TRIAGE_DECISIONS.get(0));
                    return askLlm(formatted, trace, LlmUsage.NONE,
                            () -> Uni.createFrom().item(offlineAnswer(triaged, OfflineReason.BUDGET_SPENT)));
                });
    }

    private static AnalysisOutcome offlineAnswer(AnalysisResult result, OfflineReason reason) {
        return AnalysisOutcome.answered(Provider.OFFLINE, OfflineAnalyzer.MODEL, 0, result)
                .costing(LlmUsage.NONE, AnalysisPrompt.VERSION).because(reason);
    }

    /** The version of the prompt, stamped on every analysis (also on those no LLM was asked for). */
    public static String promptVersion() {
        return AnalysisPrompt.VERSION;
    }

    /**
     * A conversation whose personal data could not be replaced (fail closed): no LLM is asked, whatever is
     * configured; the offline analyzer answers in-process, quoting nothing the customer wrote.
     */
    public Uni<AnalysisOutcome> analyseWithheld(List<HistoryEntry> history) {
        return Uni.createFrom().item(() -> offlineAnswer(offline.analyseWithoutQuoting(history), null));
    }

    /**
     * The LLM part of an analysis, on its own: for analyses that waited for an LLM to come back. When the budget has
     * no room, it is unreachable still (and waits again).
     *
     * @param spentBefore what the analysis's earlier attempts cost: the outcome's usage adds this attempt's calls
     */
    public Uni<AnalysisOutcome> askLlm(FormattedConversation formatted, Context trace, LlmUsage spentBefore) {
        return askLlm(formatted, trace, spentBefore, null);
    }

    /**
     * @param whenSpent the answer when the budget had no room and no LLM answered; null: failed, and unreachable (so
     *        the analysis waits)
     */
    private Uni<AnalysisOutcome> askLlm(FormattedConversation formatted, Context trace, LlmUsage spentBefore,
            Supplier<Uni<AnalysisOutcome>> whenSpent) {
        if (primary.isEmpty()) {
            return Uni.createFrom().item(AnalysisOutcome.failed("no LLM is configured any more", 0, false)
                    .costing(spentBefore, AnalysisPrompt.VERSION));
        }
        AnalysisPrompt prompt = AnalysisPrompt.of(formatted);
        UsageLedger ledger = new UsageLedger(spentBefore, billing, budget);
        long started = System.nanoTime();
        Uni<LlmAnswer> answer = fallback.isEmpty()
                ? timed(primary.get(), prompt, trace, false, ledger)
                : HedgedCall.race(() -> timed(primary.get(), prompt, trace, false, ledger),
                        () -> timed(fallback.get(), prompt, trace, true, ledger),
                        config.hedgeDelay(), metrics::hedgeFired);
        return answer
                .ifNoItem().after(config.deadline())
                .failWith(() -> new TimeoutException("no valid answer within the deadline of "
                        + config.deadline().toMillis() + " ms"))
                .map(a -> AnalysisOutcome.answered(a.endpoint(), a.model(), a.latencyMs(), a.result()))
                .onFailure(failure -> whenSpent != null && LlmFailures.budgetSpent(failure))
                .recoverWithUni(failure -> whenSpent.get())
                .onFailure().recoverWithItem(failure -> {
                    AnalysisOutcome failed = AnalysisOutcome.failed(LlmFailures.describe(failure),
                            (System.nanoTime() - started) / 1_000_000, LlmFailures.unreachable(failure));
                    // Waiting for budget is not an outage: the waiting room must not page as if it were.
                    return LlmFailures.budgetSpent(failure) ? failed.because(OfflineReason.BUDGET_SPENT) : failed;
                })
                // Read once the race is over and the losers are cancelled; a call still open counts as lost, its
                // prompt counted by the tokenizer on a worker thread (milliseconds for a long one).
                .chain(outcome -> ledger.needsCounting()
                        ? Uni.createFrom().item(() -> outcome.costing(ledger.total(), AnalysisPrompt.VERSION))
                                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                        : Uni.createFrom().item(outcome.costing(ledger.total(), AnalysisPrompt.VERSION)));
    }

    private Uni<LlmAnswer> timed(LlmEndpoint endpoint, AnalysisPrompt prompt, Context trace, boolean hedged,
            UsageLedger ledger) {
        long started = System.nanoTime();
        return endpoint.analyse(prompt, trace, hedged, ledger)
                .invoke(a -> metrics.llmCall(endpoint.name(), LlmOutcome.OK,
                        Duration.ofNanos(System.nanoTime() - started)))
                .onFailure().invoke(failure -> {
                    if (failure instanceof LlmCallException call && call.budgetSpent()) {
                        spend.budgetRefused(); // not a call: no latency, and no warning per analysis (CW0305 said it)
                        return;
                    }
                    metrics.llmCall(endpoint.name(), LlmFailures.outcomeOf(failure),
                            Duration.ofNanos(System.nanoTime() - started));
                    // Not calling an endpoint whose circuit is open is expected (it was logged when it opened).
                    boolean notCalled = failure instanceof LlmCallException call && call.circuitOpen();
                    if (notCalled) {
                        LOG.debugf("LLM %s (%s) not called: %s", endpoint.name(), endpoint.model(),
                                failure.getMessage());
                    } else {
                        LlmLog.LOG.noValidAnswer(endpoint.name(), endpoint.model(), failure.getMessage());
                    }
                    if (failure instanceof LlmCallException call && call.needsOperator()) {
                        needsOperator.fire(new LlmNeedsOperator(endpoint.name(), endpoint.model(), call.getMessage()));
                    }
                })
                .onCancellation().invoke(() -> metrics.llmCall(endpoint.name(), LlmOutcome.CANCELLED,
                        Duration.ofNanos(System.nanoTime() - started)));
    }
}
