package dev.conversationworker.delivery;

import java.time.Duration;
import java.util.Map;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

import dev.conversationworker.http.HttpTransport;

/**
 * The HTTP side of delivery, on the shared {@link HttpTransport}: 8 connections per space's host, a connect and an
 * overall timeout, answers read up to {@value #MAX_ANSWER_BYTES} bytes; a larger one is refused. Google answers with
 * the message it created, echoed in several forms (text, formatted text, argument text, cards), so an answer can be
 * a few times the 32,000-byte message: the cap is far above that, and only bounds what a misbehaving server costs. Failures are {@link WebhookUnreachable}, whose messages never quote the URL.
 */
@ApplicationScoped
class WebhookClient {

    static final int MAX_ANSWER_BYTES = 512 * 1024;
    private static final int MAX_CONNECTIONS = 8;
    private static final Map<String, String> HEADERS = Map.of("Content-Type", "application/json; charset=UTF-8");

    private final HttpTransport transport;

    @Inject
    WebhookClient(Vertx vertx, DeliveryConfig config) {
        this(vertx, config.connectTimeout(), config.requestTimeout());
    }

    WebhookClient(Vertx vertx, Duration connectTimeout, Duration requestTimeout) {
        this.transport = new HttpTransport(vertx,
                new HttpTransport.Settings(connectTimeout, requestTimeout, MAX_CONNECTIONS, MAX_ANSWER_BYTES));
    }

    /** POSTs the message; emits any complete answer, or fails with {@link WebhookUnreachable}. */
    Uni<WebhookReply> post(Space space, String requestId, String json) {
        // Vert.x quotes a URL it cannot use, key and token included: only the failure's kind goes on.
        return Uni.createFrom().deferred(() -> transport.post(space.postUrl(requestId), HEADERS, json))
                .map(WebhookReply::of)
                .onFailure().transform(WebhookUnreachable::new);
    }

    @PreDestroy
    void close() {
        transport.close();
    }
}
