package dev.conversationworker.delivery;

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
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * The one shared, pooled, non-blocking HTTP client of delivery, with a connect and an overall timeout; answers are
 * read up to 64 KiB (Google's answers are small). Failures are {@link WebhookUnreachable}, whose messages never
 * quote the URL.
 */
@ApplicationScoped
class WebhookClient {

    private static final int MAX_ANSWER_BYTES = 64 * 1024;

    private final HttpClient client;
    private final Duration requestTimeout;

    @Inject
    WebhookClient(Vertx vertx, DeliveryConfig config) {
        this(vertx, config.connectTimeout(), config.requestTimeout());
    }

    WebhookClient(Vertx vertx, Duration connectTimeout, Duration requestTimeout) {
        this.requestTimeout = requestTimeout;
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) connectTimeout.toMillis())
                .setMaxPoolSize(8)
                .setKeepAlive(true)
                .setVerifyHost(true)
                .setDecompressionSupported(true));
    }

    /** POSTs the message; emits any complete answer, or fails with {@link WebhookUnreachable}. */
    Uni<WebhookReply> post(Space space, String requestId, String json) {
        Uni<WebhookReply> exchange = Uni.createFrom().emitter(emitter -> {
            AtomicReference<HttpClientRequest> inFlight = new AtomicReference<>();
            AtomicBoolean finished = new AtomicBoolean();
            AtomicBoolean abandoned = new AtomicBoolean();
            emitter.onTermination(() -> {
                abandoned.set(true);
                HttpClientRequest request = inFlight.get();
                if (!finished.get() && request != null) {
                    request.reset();
                }
            });
            RequestOptions options;
            try {
                options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(space.postUrl(requestId))
                        .putHeader("Content-Type", "application/json; charset=UTF-8");
            } catch (RuntimeException e) {
                // Vert.x quotes a URL it cannot use, key and token included: only the failure's kind goes on.
                emitter.fail(new WebhookUnreachable(e));
                return;
            }
            client.request(options).compose(request -> {
                inFlight.set(request);
                if (abandoned.get()) {
                    // The connection came after the timeout had fired (a busy pool): sent now, the POST would reach
                    // Google alongside its retry, its answer dropped. Given back unsent, quietly (Vert.x logs a reset
                    // of a request without an exception handler as an error).
                    request.exceptionHandler(ignored -> {
                    });
                    request.reset();
                    return Future.failedFuture(new TimeoutException());
                }
                return request.send(Buffer.buffer(json)).compose(response -> cappedBody(response)
                        .map(body -> new WebhookReply(response.statusCode(), response.getHeader("Retry-After"),
                                body.toString(StandardCharsets.UTF_8))));
            }).onComplete(result -> {
                finished.set(true);
                if (result.succeeded()) {
                    emitter.complete(result.result());
                } else {
                    emitter.fail(new WebhookUnreachable(result.cause()));
                }
            });
        });
        return exchange.ifNoItem().after(requestTimeout)
                .failWith(() -> new WebhookUnreachable(new TimeoutException()));
    }

    /** The answer's first {@value #MAX_ANSWER_BYTES} bytes; the rest is read and dropped. */
    private static Future<Buffer> cappedBody(HttpClientResponse response) {
        Promise<Buffer> body = Promise.promise();
        Buffer received = Buffer.buffer();
        response.handler(chunk -> {
            int room = MAX_ANSWER_BYTES - received.length();
            if (room > 0) {
                received.appendBuffer(chunk.length() <= room ? chunk : chunk.getBuffer(0, room));
            }
        });
        response.exceptionHandler(body::tryFail);
        response.endHandler(v -> body.tryComplete(received));
        return body.future();
    }

    @PreDestroy
    void close() {
        client.close();
    }
}
