package dev.conversationworker.analysis;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * The one shared, pooled, non-blocking HTTP client for every LLM call. Cancelling the returned {@link Uni} resets
 * the HTTP request, so a hedge's loser or a timed-out attempt really stops (the server sees the connection go).
 */
@ApplicationScoped
class LlmHttpClient {

    private final HttpClient client;
    private final Duration requestTimeout;

    LlmHttpClient(Vertx vertx, LlmConfig config) {
        this.requestTimeout = config.requestTimeout();
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) config.connectTimeout().toMillis())
                .setMaxPoolSize(config.maxConnections())
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
                return request.send(Buffer.buffer(json)).compose(response -> response.body()
                        .map(body -> new HttpReply(response.statusCode(), response.getHeader("Retry-After"),
                                response.getHeader("retry-after-ms"), body.toString())));
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

    @PreDestroy
    void close() {
        client.close();
    }
}
