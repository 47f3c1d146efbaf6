package dev.conversationworker.analysis;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

import dev.conversationworker.http.AnswerTooLargeException;
import dev.conversationworker.http.HttpAnswer;
import dev.conversationworker.http.HttpTransport;

/**
 * The HTTP side of every LLM call, on the shared {@link HttpTransport}: JSON with the bearer key, sized by
 * {@code llm.*}. Cancelling the returned {@link Uni} stops the request (a hedge's loser or a timed-out attempt
 * really stops); an answer over {@code llm.max-response-bytes} is an {@link InvalidAnswerException}.
 */
@ApplicationScoped
class LlmHttpClient {

    private final HttpTransport transport;
    private final long maxResponseBytes;

    @Inject
    LlmHttpClient(Vertx vertx, LlmConfig config) {
        this(vertx, config.connectTimeout(), config.requestTimeout(), config.maxConnections(),
                config.maxResponseBytes().asLongValue());
    }

    LlmHttpClient(Vertx vertx, Duration connectTimeout, Duration requestTimeout, int maxConnections,
            long maxResponseBytes) {
        this.maxResponseBytes = maxResponseBytes;
        this.transport = new HttpTransport(vertx,
                new HttpTransport.Settings(connectTimeout, requestTimeout, maxConnections, maxResponseBytes));
    }

    /**
     * POSTs JSON; emits any complete answer (status included) or fails on I/O error or the request timeout.
     *
     * @param onSent told once the request is written to a connection (from then on the provider may bill it)
     */
    Uni<HttpAnswer> postJson(String url, String bearerToken, String json, Runnable onSent) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("Accept", "application/json");
        if (bearerToken != null && !bearerToken.isBlank()) {
            headers.put("Authorization", "Bearer " + bearerToken);
        }
        return transport.post(url, headers, json, onSent).onFailure(AnswerTooLargeException.class)
                .transform(tooLarge -> new InvalidAnswerException(
                        "answer larger than " + maxResponseBytes + " bytes (llm.max-response-bytes)"));
    }

    @PreDestroy
    void close() {
        transport.close();
    }
}
