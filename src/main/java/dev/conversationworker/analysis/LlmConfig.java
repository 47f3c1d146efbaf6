package dev.conversationworker.analysis;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import dev.conversationworker.model.Severity;

/**
 * The LLM endpoints (OpenAI-compatible chat completions) and how they are called. Without
 * {@code llm.primary.base-url} the built-in offline analyzer answers instead.
 */
@ConfigMapping(prefix = "llm")
public interface LlmConfig {

    Endpoint primary();

    /** Raced against a slow or failing primary. Enabled when it has a base URL or a model of its own. */
    Endpoint fallback();

    /** Time the primary has before the fallback is started too (at once if the primary fails first). */
    @WithDefault("3s")
    Duration hedgeDelay();

    /** One deadline for the whole analysis: primary, retries and fallback together. */
    @WithDefault("30s")
    Duration deadline();

    /** TCP connect timeout of the shared HTTP client. */
    @WithDefault("2s")
    Duration connectTimeout();

    /** Timeout of one HTTP attempt, from request to the last byte of the answer. */
    @WithDefault("20s")
    Duration requestTimeout();

    /** Largest answer body read, after decompression; a larger one is an invalid answer and is never read whole
     * (a misbehaving or hostile server must not be able to fill the heap, gzip bombs included). */
    @WithDefault("256K")
    MemorySize maxResponseBytes();

    /** Connections per endpoint of the shared HTTP client (HTTP/1.1: one call per connection at a time). */
    @WithDefault("512")
    int maxConnections();

    /** Cap of the completion, in tokens. */
    @WithDefault("800")
    int maxCompletionTokens();

    @WithDefault("0")
    double temperature();

    Retry retry();

    Circuit circuit();

    Budget budget();

    /** What the fleet may spend on LLM calls, and what happens when it has. */
    interface Budget {

        /**
         * Tokens (prompt and completion, cached ones included) all instances together may spend in any sliding hour;
         * unset, no limit. Each call reserves its worst case in Redis before it is made.
         */
        OptionalLong tokensPerHour();

        /** What an analysis gets when the budget has no room for its call. */
        @WithDefault("offline")
        WhenSpent whenSpent();

        /**
         * With {@code when-spent=triage}: the offline analyzer's severity from which a conversation goes to the LLM;
         * by default {@code notify.min-severity}, what on-call is told of.
         */
        @WithDefault("${notify.min-severity:high}")
        Severity triageMinSeverity();
    }

    enum WhenSpent {
        /** The offline analyzer answers ({@code degraded}, {@code provider: offline}); nothing waits. */
        OFFLINE,
        /** The analysis waits in the waiting room until the budget has room (or {@code analysis.max-wait}). */
        WAIT,
        /**
         * The offline analyzer answers every conversation first; only those it finds at least
         * {@code triage-min-severity} are asked of the LLM (the offline answer stands when the budget is spent).
         */
        TRIAGE
    }

    /** Per endpoint: failed attempts in a row (5xx, I/O errors, timeouts) that open the circuit, and for how long. */
    interface Circuit {

        @WithDefault("5")
        int failureThreshold();

        @WithDefault("30s")
        Duration openFor();
    }

    interface Endpoint {

        /** e.g. {@code https://api.openai.com/v1}; {@code /chat/completions} is appended. */
        Optional<String> baseUrl();

        /** Sent as a bearer token; read from the environment, never logged. */
        Optional<String> apiKey();

        Optional<String> model();

        /** {@code json_schema} (strict structured output), {@code json_object}, or {@code none} for servers that
         * support neither (the prompt still asks for JSON and the answer is still validated). */
        @WithDefault("json_schema")
        ResponseFormat responseFormat();

        /** Calls in flight to this endpoint at most (the provider's limit); more wait for a slot, they do not fail. */
        @WithDefault("512")
        int maxConcurrency();

        /** What its tokens cost: unset, tokens are counted and no cost is. */
        Prices pricePerMillion();
    }

    /** Prices per million tokens, in the currency of the operator's choice (the cost metric is in it). */
    interface Prices {

        OptionalDouble input();

        /** Input tokens read from the provider's prompt cache; unset, the input price. */
        OptionalDouble cachedInput();

        OptionalDouble output();
    }

    /** Retries of one endpoint: 429, 5xx and I/O errors only; never 400/401/403/404. */
    interface Retry {

        /** Attempts per endpoint, the first included. */
        @WithDefault("3")
        int maxAttempts();

        @WithDefault("250ms")
        Duration initialBackoff();

        @WithDefault("4s")
        Duration maxBackoff();

        /** Longest {@code Retry-After} honoured; longer ones are cut to this. */
        @WithDefault("10s")
        Duration maxRetryAfter();
    }

    enum ResponseFormat {
        JSON_SCHEMA, JSON_OBJECT, NONE
    }
}
