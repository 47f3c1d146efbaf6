package dev.conversationworker.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;

import dev.conversationworker.testsupport.StreamingHttpServer;

/** The webhook client against a plain local server: what reaches the server when a POST is given up. */
class WebhookClientTest {

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close();
    }

    @Test
    void aPostGivenUpWhileWaitingForAConnectionIsNeverSentLate() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        List<HttpServerRequest> held = new CopyOnWriteArrayList<>();
        HttpServer server = vertx.createHttpServer().requestHandler(request -> {
            received.add(request.getParam("requestId"));
            held.add(request);
        });
        server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        Space space = new Space("s", "http://127.0.0.1:" + server.actualPort() + "/v1/spaces/s/messages?key=k&token=t");
        WebhookClient client = new WebhookClient(vertx, Duration.ofSeconds(5), Duration.ofSeconds(30));

        for (int i = 0; i < 8; i++) { // the whole pool, held by answers that do not come yet
            client.post(space, "held-" + i, "{}").subscribe().with(reply -> {
            }, failure -> {
            });
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 8);
        Cancellable late = client.post(space, "late", "{}").subscribe().with(reply -> {
        }, failure -> {
        });
        Thread.sleep(200);
        late.cancel(); // as its timeout would: nobody waits for this POST any more
        held.forEach(request -> request.response().setStatusCode(200).end("{}"));

        Thread.sleep(1000); // a connection is free now: a late POST would arrive
        assertThat(received).as("POSTs that reached the server").hasSize(8).doesNotContain("late");
        client.close();
    }

    /** A timed-out POST whose answer is still arriving: the connection is closed, nothing more is read. */
    @Test
    void aPostGivenUpWhileItsAnswerStreamsClosesTheConnection() throws Exception {
        try (StreamingHttpServer server = StreamingHttpServer.start(vertx)) {
            WebhookClient client = new WebhookClient(vertx, Duration.ofSeconds(5), Duration.ofSeconds(30));
            Cancellable post = client.post(new Space("s", server.url("/slow?key=k")), "r-1", "{}").subscribe()
                    .with(reply -> {
                    }, failure -> {
                    });
            server.assertCancelClosesTheStream(post::cancel);
            client.close();
        }
    }

    /** An answer over 512 KiB (far more than Google's echo of a message) is refused, declared or streamed, never read whole. */
    @Test
    void anAnswerOverTheCapIsRefused() throws Exception {
        try (StreamingHttpServer server = StreamingHttpServer.start(vertx)) {
            WebhookClient client = new WebhookClient(vertx, Duration.ofSeconds(5), Duration.ofSeconds(30));
            for (String path : List.of("/large", "/large-chunked")) {
                assertThatThrownBy(() -> client.post(new Space("s", server.url(path)), "r-1", "{}").await()
                        .atMost(Duration.ofSeconds(10))).as(path).isInstanceOf(WebhookUnreachable.class)
                        .hasMessage("answer larger than " + WebhookClient.MAX_ANSWER_BYTES + " bytes");
            }
            assertThat(client.post(new Space("s", server.url("/small")), "r-2", "{}").await()
                    .atMost(Duration.ofSeconds(10)).status()).isEqualTo(200);
            client.close();
        }
    }
}
