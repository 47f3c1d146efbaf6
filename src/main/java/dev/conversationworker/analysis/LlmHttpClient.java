package dev.conversationworker.analysis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * The one shared, pooled, non-blocking HTTP client for every LLM call. Cancelling the returned {@link Uni} resets
 * the HTTP request, so a hedge's loser or a timed-out attempt really stops (the server sees the connection go).
 * Answer bodies are counted as they arrive, after decompression, and never kept beyond
 * {@code llm.max-response-bytes}: a larger answer resets the request and fails as an {@link InvalidAnswerException}.
 */
@ApplicationScoped
class LlmHttpClient {

    private final HttpClient client;
    private final Duration requestTimeout;
    private final long maxResponseBytes;

    @Inject
    LlmHttpClient(Vertx vertx, LlmConfig config) {
        this(vertx, config.connectTimeout(), config.requestTimeout(), config.maxConnections(),
                config.maxResponseBytes().asLongValue());
    }

    LlmHttpClient(Vertx vertx, Duration connectTimeout, Duration requestTimeout, int maxConnections,
            long maxResponseBytes) {
        this.requestTimeout = requestTimeout;
        this.maxResponseBytes = maxResponseBytes;
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) connectTimeout.toMillis())
                .setMaxPoolSize(maxConnections)
                .setKeepAlive(true)
                .setVerifyHost(true)
                .setDecompressionSupported(true));
    }

    /** POSTs JSON; emits any complete answer (status included) or fails on I/O error or the request timeout. */
    Uni<HttpReply> postJson(String url, String bearerToken, String json) {
        Uni<HttpReply> exchange = Uni.createFrom().emitter(emitter -> {
            AtomicReference<HttpClientRequest> inFlight = new AtomicReference<>();
            AtomicBoolean finished = new AtomicBoolean();
            AtomicBoolean abandoned = new AtomicBoolean();
            RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url)
                    .putHeader("Content-Type", "application/json").putHeader("Accept", "application/json");
            if (bearerToken != null && !bearerToken.isBlank()) {
                options.putHeader("Authorization", "Bearer " + bearerToken);
            }
            emitter.onTermination(() -> {
                abandoned.set(true);
                HttpClientRequest request = inFlight.get();
                if (!finished.get() && request != null) {
                    request.reset();
                }
            });
            client.request(options).compose(request -> {
                inFlight.set(request);
                if (abandoned.get()) {
                    request.reset();
                }
                return request.send(Buffer.buffer(json)).compose(response -> cappedBody(request, response)
                        .map(body -> new HttpReply(response.statusCode(), response.getHeader("Retry-After"),
                                response.getHeader("retry-after-ms"), body.toString(StandardCharsets.UTF_8))));
            }).onComplete(result -> {
                finished.set(true);
                if (result.succeeded()) {
                    emitter.complete(result.result());
                } else {
                    emitter.fail(result.cause());
                }
            });
        });
        return exchange.ifNoItem().after(requestTimeout)
                .failWith(() -> new TimeoutException("no answer within " + requestTimeout.toMillis() + " ms"));
    }

    /**
     * The body, counted chunk by chunk on the event loop (decompressed chunks when the answer is compressed). Past
     * the cap the request is reset, so the rest is never read; a declared {@code Content-Length} over the cap is
     * refused before any of the body arrives.
     */
    private Future<Buffer> cappedBody(HttpClientRequest request, HttpClientResponse response) {
        Promise<Buffer> body = Promise.promise();
        String declared = response.getHeader(HttpHeaders.CONTENT_LENGTH);
        String encoding = response.getHeader(HttpHeaders.CONTENT_ENCODING);
        if (declared != null && (encoding == null || "identity".equalsIgnoreCase(encoding))
                && declaredLength(declared) > maxResponseBytes) {
            request.reset();
            return Future.failedFuture(tooLarge());
        }
        Buffer received = Buffer.buffer();
        response.handler(chunk -> {
            if (body.future().isComplete()) {
                return;
            }
            if ((long) received.length() + chunk.length() > maxResponseBytes) {
                body.tryFail(tooLarge());
                request.reset();
                return;
            }
            received.appendBuffer(chunk);
        });
        response.exceptionHandler(body::tryFail);
        response.endHandler(v -> body.tryComplete(received));
        return body.future();
    }

    private static long declaredLength(String contentLength) {
        try {
            return Long.parseLong(contentLength.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private InvalidAnswerException tooLarge() {
        return new InvalidAnswerException("answer larger than " + maxResponseBytes + " bytes (llm.max-response-bytes)");
    }

    @PreDestroy
    void close() {
        client.close();
    }
}
