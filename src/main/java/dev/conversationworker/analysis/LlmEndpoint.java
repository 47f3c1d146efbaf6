package dev.conversationworker.analysis;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.IntSupplier;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.VertxException;

import dev.conversationworker.http.HttpAnswer;
import dev.conversationworker.model.LlmUsage;
import dev.conversationworker.model.Provider;
import dev.conversationworker.ops.Traces;
import dev.conversationworker.support.Backoff;
import dev.conversationworker.support.TokenCount;

/**
 * One OpenAI-compatible endpoint with its retries, the only layer that retries an LLM call: 408, 409, 429, 5xx and
 * I/O errors are retried with exponential backoff and full jitter, honouring {@code Retry-After} up to a cap; an
 * invalid answer is retried once; other 4xx answers are not retried (401/403 and an exhausted quota need an
 * operator). A 429 also halves the endpoint's concurrency, which grows back one call per success.
 * <p>
 * The retries are written here rather than with SmallRye Fault Tolerance's retry for the reason given on
 * {@link CircuitBreaker}: a guarded {@code Uni} that is cancelled (a lost hedge, the deadline) must abort the attempt
 * in flight, and Fault Tolerance's guard does not pass the cancellation on. The backoff is the shared
 * {@link Backoff}, with {@code Retry-After} honoured on top.
 */
final class LlmEndpoint {

    private static final Logger LOG = Logger.getLogger(LlmEndpoint.class);

    private final Provider provider;
    private final String name;
    private final String url;
    private final String apiKey;
    private final String model;
    private final LlmConfig config;
    private final Backoff backoff;
    private final LlmConfig.ResponseFormat format;
    private final LlmHttpClient http;
    private final ConcurrencyLimit concurrency;
    private final CircuitBreaker circuit;
    private final Traces traces;
    private final TokenCount tokens;

    LlmEndpoint(EndpointSettings settings, LlmConfig config, LlmHttpClient http, Traces traces) {
        this.provider = settings.provider();
        this.name = provider.wireName();
        this.traces = traces;
        this.url = withoutTrailingSlashes(settings.baseUrl()) + "/chat/completions";
        this.apiKey = settings.apiKey();
        this.model = settings.model();
        this.tokens = TokenCount.forModel(model);
        this.format = settings.format();
        this.config = config;
        this.backoff = new Backoff(config.retry().initialBackoff(), config.retry().maxBackoff());
        this.http = http;
        this.concurrency = new ConcurrencyLimit(settings.maxConcurrency());
        this.circuit = new CircuitBreaker(config.circuit().failureThreshold(), config.circuit().openFor(),
                System::nanoTime);
    }

    /** A backwards scan: {@code /+$} backtracks quadratically on a long run of slashes that is not at the end. */
    private static String withoutTrailingSlashes(String url) {
        int end = url.length();
        while (end > 0 && url.charAt(end - 1) == '/') {
            end--;
        }
        return url.substring(0, end);
    }

    /** True when an API key would go over plain {@code http://} to a host that is not this machine. */
    boolean sendsKeyInClear() {
        return KeyInClear.wouldBeSent(url, apiKey);
    }

    String name() {
        return name;
    }

    String model() {
        return model;
    }

    /** Calls allowed at once now: {@code max-concurrency}, or less after 429s. */
    int concurrencyLimit() {
        return concurrency.limit();
    }

    /** Calls waiting for a slot under {@code max-concurrency}. */
    int waitingForSlot() {
        return concurrency.waiting();
    }

    /**
     * @param trace the trace of the event analysed: each attempt is a span under it
     * @param hedged whether this call was raced against a slow primary
     * @param ledger where each HTTP call of this analysis is entered, retries included
     */
    Uni<LlmAnswer> analyse(AnalysisPrompt prompt, Context trace, boolean hedged, UsageLedger ledger) {
        String body = ChatCompletions.requestBody(model, prompt, format, config.maxCompletionTokens(),
                config.temperature());
        // Counted once per analysis and endpoint, and only when a call's usage is lost.
        IntSupplier promptTokens = new IntSupplier() {

            private volatile int counted = -1;

            @Override
            public int getAsInt() {
                int n = counted;
                if (n < 0) {
                    counted = n = tokens.chatPromptTokens(prompt.system(), prompt.user());
                }
                return n;
            }
        };
        // What a budget reserves first: cheap, so no tokenizer runs for it (the system message is counted once).
        long promptBound = tokens.chatPromptTokensAtMost(prompt.system(), prompt.user());
        return attempt(new Request(body, promptTokens, promptBound, ledger), 1, false, trace, hedged);
    }

    /** The same request body for every attempt, and where its calls are entered. */
    private record Request(String body, IntSupplier promptTokens, long promptBound, UsageLedger ledger) {
    }

    private Uni<LlmAnswer> attempt(Request request, int attempt, boolean invalidBefore, Context trace,
            boolean hedged) {
        // Which model, which try, raced or not: never the prompt, the answer or the key.
        Attributes attributes = Attributes.of(Traces.LLM_PROVIDER, name, Traces.LLM_MODEL, model,
                Traces.LLM_ATTEMPT, (long) attempt, Traces.LLM_HEDGED, hedged);
        return traces.span("llm-call", trace, attributes, () -> call(request, attempt))
                // A malformed or cut-off answer is often a fluke: one more try, then the fallback's turn.
                .onFailure(InvalidAnswerException.class).recoverWithUni(failure -> invalidBefore
                        ? Uni.createFrom().failure(failure)
                        : attempt(request, attempt + 1, true, trace, hedged))
                .onFailure(LlmCallException.class).recoverWithUni(failure -> {
                    LlmCallException call = (LlmCallException) failure;
                    if (!call.retryable() || attempt >= config.retry().maxAttempts()) {
                        return Uni.createFrom().failure(failure);
                    }
                    Duration pause = backoff(attempt, call.retryAfter());
                    LOG.debugf("LLM %s attempt %d failed (%s), retrying in %d ms", name, attempt, call.getMessage(),
                            pause.toMillis());
                    return Uni.createFrom().voidItem().onItem().delayIt().by(pause)
                            .chain(() -> attempt(request, attempt + 1, invalidBefore, trace, hedged));
                });
    }

    /** One attempt: the circuit, a slot, the budget, the request, entered in the ledger once sent. */
    private Uni<LlmAnswer> call(Request request, int attempt) {
        if (!circuit.tryAcquire()) {
            return Uni.createFrom()
                    .failure(LlmCallException.circuitOpen(name + " is not called: its circuit is open after "
                            + circuit.failuresInARow() + " failed attempts in a row"));
        }
        long started = System.nanoTime();
        // The slot is held for one attempt only: a backoff pause does not keep others waiting. The budget is
        // reserved within the slot, so calls waiting for one hold none of it.
        return concurrency.run(() -> request.ledger().open(name, request.promptTokens(), request.promptBound(),
                config.maxCompletionTokens())
                .chain(billed ->
                // No answer: billed as lost if the request was written to a connection (a timeout, a reset, an
                // answer too large to read), as nothing if not (a refused connection, given up waiting for one).
                http.postJson(url, apiKey, request.body(), billed::sent)
                        .onFailure().invoke(billed::lost)
                        .onCancellation().invoke(billed::lost)
                        .map(reply -> new Billed(reply, billed))))
                .onFailure().transform(this::asCallFailure)
                .chain(reply -> answer(reply, started, request))
                .onItemOrFailure().invoke((answer, failure) -> recordForCircuit(failure))
                .onCancellation().invoke(circuit::abandoned);
    }

    /** An answer and the ledger's entry of the call it answers, settled once the answer is read. */
    private record Billed(HttpAnswer answer, UsageLedger.Call call) {
    }

    /**
     * The answer read and its call settled. An answer without {@code usage} is billed by our own count of its prompt
     * and completion, which takes milliseconds for long ones: then it is read on a worker thread.
     */
    private Uni<LlmAnswer> answer(Billed reply, long startedNanos, Request request) {
        if (reply.answer().status() != 200) {
            return Uni.createFrom().item(() -> refused(reply.answer(), reply.call()));
        }
        JsonNode root = ChatCompletions.read(reply.answer().body());
        LlmUsage usage = ChatCompletions.usage(root);
        if (usage != null) {
            return Uni.createFrom().item(() -> answered(root, usage, startedNanos, reply.call()));
        }
        return Uni.createFrom().item(() -> answered(root, new LlmUsage(request.promptTokens().getAsInt(),
                tokens.of(ChatCompletions.content(root)), 0, 1, true), startedNanos, reply.call()))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    /** An answer is billed whether or not it is valid. */
    private LlmAnswer answered(JsonNode root, LlmUsage usage, long startedNanos, UsageLedger.Call billed) {
        concurrency.recover();
        long latencyMs = (System.nanoTime() - startedNanos) / 1_000_000;
        billed.answered(usage);
        try {
            return new LlmAnswer(provider, model, latencyMs, ChatCompletions.parseAnswer(root));
        } catch (InvalidAnswerException e) {
            throw new InvalidAnswerException(name + " gave an invalid answer: " + e.getMessage());
        }
    }

    private LlmAnswer refused(HttpAnswer reply, UsageLedger.Call billed) {
        int status = reply.status();
        billed.refused();
        String message = name + " answered HTTP " + status;
        if (status == 401 || status == 403) {
            throw LlmCallException.needsOperator(message + ": the API key was rejected");
        }
        if (status == 429 && reply.body() != null && reply.body().contains("insufficient_quota")) {
            throw LlmCallException.needsOperator(message + ": the quota is exhausted");
        }
        Duration retryAfter = ChatCompletions.retryAfter(reply.header("retry-after-ms"), reply.header("Retry-After"));
        if (status == 429) {
            concurrency.reduce(); // the provider says too much: fewer calls at once, recovering on success
            throw LlmCallException.overloaded(message, retryAfter);
        }
        if (status == 408 || status == 409 || status >= 500) {
            throw LlmCallException.retryable(message, retryAfter);
        }
        throw LlmCallException.permanent(message);
    }

    /**
     * Down-ness counts (5xx, I/O, timeouts); an answer of any kind, even a refusal or a 4xx, means it is up; a call
     * the budget did not allow says nothing either way.
     */
    private void recordForCircuit(Throwable failure) {
        if (failure instanceof LlmCallException call && call.budgetSpent()) {
            circuit.abandoned();
            return;
        }
        boolean down = failure instanceof LlmCallException call && call.retryable() && !call.overloaded();
        if (down) {
            if (circuit.failed()) {
                LlmLog.LOG.circuitOpened(name, model, circuit.failuresInARow(), config.circuit().openFor().toSeconds());
            }
        } else {
            circuit.succeeded();
        }
    }

    /** Closed, open or half-open: for the metrics. */
    CircuitBreaker.State circuitState() {
        return circuit.state();
    }

    /** Full jitter on an exponential ceiling; a server's Retry-After wins when it asks for more (up to the cap). */
    Duration backoff(int attempt, Duration retryAfter) {
        long jittered = backoff.after(attempt).toMillis();
        if (retryAfter != null) {
            long asked = Math.min(retryAfter.toMillis(), config.retry().maxRetryAfter().toMillis());
            return Duration.ofMillis(Math.max(asked, jittered / 4));
        }
        return Duration.ofMillis(jittered);
    }

    private Throwable asCallFailure(Throwable failure) {
        if (failure instanceof InvalidAnswerException invalid) {
            return new InvalidAnswerException(name + " gave an invalid answer: " + invalid.getMessage());
        }
        if (failure instanceof IOException || failure instanceof TimeoutException
                || failure instanceof VertxException) {
            // The kind only: the exception's own message names hosts and ports (it is logged, not published).
            LOG.debugf(failure, "LLM %s attempt failed", name);
            return LlmCallException.retryable(name + " failed: " + FailureKind.of(failure), null);
        }
        return failure;
    }
}
