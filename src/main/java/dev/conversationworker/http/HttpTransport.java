package dev.conversationworker.http;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

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
 * The worker's one way to send HTTP requests (the only class that creates a Vert.x HTTP client): a pooled,
 * non-blocking client per use, with a connect and an overall timeout. The policies (which URL, which headers, what
 * an answer means, whether to retry) are the callers'.
 * <p>
 * Cancelling the returned {@link Uni} (a lost hedge, a timeout) stops the request wherever it is: a request still
 * waiting for a pooled connection is given back unsent, one under way is reset (the server sees its connection go)
 * and the rest of its answer is never read. Answer bodies are counted as they arrive, after decompression, and never
 * kept beyond {@code maxAnswerBytes}: a larger answer (or a declared {@code Content-Length} over it) resets the
 * request and fails as an {@link AnswerTooLargeException}.
 */
public final class HttpTransport {

    /**
     * @param maxConnections connections kept per server
     * @param maxAnswerBytes largest answer body read, after decompression
     */
    public record Settings(Duration connectTimeout, Duration requestTimeout, int maxConnections, long maxAnswerBytes) {
    }

    private final HttpClient client;
    private final Duration requestTimeout;
    private final long maxAnswerBytes;

    public HttpTransport(Vertx vertx, Settings settings) {
        this.requestTimeout = settings.requestTimeout();
        this.maxAnswerBytes = settings.maxAnswerBytes();
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) settings.connectTimeout().toMillis())
                .setMaxPoolSize(settings.maxConnections())
                .setKeepAlive(true)
                .setVerifyHost(true)
                .setDecompressionSupported(true));
    }

    /**
     * POSTs the body with these headers. Emits any complete answer, whatever its status; fails with a
     * {@link TimeoutException} when none is complete within the request timeout, an {@link AnswerTooLargeException},
     * or the HTTP client's own failure (whose message may quote the URL: callers decide what to show).
     */
    public Uni<HttpAnswer> post(String url, Map<String, String> headers, String body) {
        return post(url, headers, body, () -> {
        });
    }

    /**
     * As {@link #post(String, Map, String)}, telling {@code onSent} once the request has been written to a
     * connection: a request given up before then never reached the server (a busy pool, a connection still being
     * opened), and is not billed by it.
     */
    public Uni<HttpAnswer> post(String url, Map<String, String> headers, String body, Runnable onSent) {
        Uni<HttpAnswer> exchange = Uni.createFrom().emitter(emitter -> {
            AtomicReference<HttpClientRequest> inFlight = new AtomicReference<>();
            AtomicBoolean finished = new AtomicBoolean();
            AtomicBoolean abandoned = new AtomicBoolean();
            emitter.onTermination(() -> {
                abandoned.set(true);
                HttpClientRequest request = inFlight.get();
                if (!finished.get() && request != null) {
                    resetQuietly(request);
                }
            });
            RequestOptions options;
            try {
                options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url);
                headers.forEach(options::putHeader);
            } catch (RuntimeException e) {
                emitter.fail(e);
                return;
            }
            client.request(options).compose(request -> {
                inFlight.set(request);
                if (abandoned.get()) {
                    // The connection came after the caller gave up (a busy pool): sent now, the request would reach
                    // the server alongside its retry, its answer dropped. Given back unsent.
                    resetQuietly(request);
                    return Future.failedFuture(new CancellationException("given up before it was sent"));
                }
                request.end(Buffer.buffer(body)).onSuccess(written -> onSent.run());
                return request.response().compose(response -> cappedBody(request, response)
                        .map(received -> new HttpAnswer(response.statusCode(), response.headers(),
                                received.toString(StandardCharsets.UTF_8))));
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
     * Vert.x logs the reset of an unsent request without an exception handler as an error: this one is intended. (A
     * request already sent takes no handler any more; its failure goes to the answer's handler.)
     */
    private static void resetQuietly(HttpClientRequest request) {
        try {
            request.exceptionHandler(ignored -> {
            });
        } catch (IllegalStateException alreadySent) {
            // nothing to quieten
        }
        request.reset();
    }

    /**
     * The body, counted chunk by chunk on the event loop (decompressed chunks when the answer is compressed). Past
     * the cap the request is reset, so the rest is never read; a declared {@code Content-Length} over the cap is
     * refused before any of the body arrives.
     */
    private Future<Buffer> cappedBody(HttpClientRequest request, HttpClientResponse response) {
        String declared = response.getHeader(HttpHeaders.CONTENT_LENGTH);
        String encoding = response.getHeader(HttpHeaders.CONTENT_ENCODING);
        if (declared != null && (encoding == null || "identity".equalsIgnoreCase(encoding))
                && declaredLength(declared) > maxAnswerBytes) {
            resetQuietly(request);
            return Future.failedFuture(new AnswerTooLargeException(maxAnswerBytes));
        }
        Promise<Buffer> body = Promise.promise();
        Buffer received = Buffer.buffer();
        response.handler(chunk -> {
            if (body.future().isComplete()) {
                return;
            }
            if ((long) received.length() + chunk.length() > maxAnswerBytes) {
                body.tryFail(new AnswerTooLargeException(maxAnswerBytes));
                resetQuietly(request);
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

    /** Closes the connections; pending requests fail. */
    public void close() {
        client.close();
    }
}
