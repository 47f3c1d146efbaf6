package dev.conversationworker.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Vertx;

import dev.conversationworker.testsupport.StreamingHttpServer;

/**
 * The LLM's HTTP client against a plain local server: a call given up (a hedge's loser, a timed-out attempt) stops
 * at once wherever it is, and an answer over {@code llm.max-response-bytes} is refused.
 */
class LlmHttpClientTest {

    private static final long CAP = 64 * 1024;

    private final Vertx vertx = Vertx.vertx();

    private static final Runnable NOTHING = () -> {
    };

    @AfterEach
    void close() {
        vertx.close();
    }

    @Test
    void aCallGivenUpWhileItsAnswerStreamsClosesTheConnection() throws Exception {
        try (StreamingHttpServer server = StreamingHttpServer.start(vertx)) {
            LlmHttpClient client = new LlmHttpClient(vertx, Duration.ofSeconds(5), Duration.ofSeconds(30), 4, CAP);
            Cancellable call = client.postJson(server.url("/slow"), "key", "{}", NOTHING).subscribe().with(reply -> {
            }, failure -> {
            });
            server.assertCancelClosesTheStream(call::cancel);
            client.close();
        }
    }

    @Test
    void aCallGivenUpWhileWaitingForAConnectionIsNeverSentLate() throws Exception {
        try (StreamingHttpServer server = StreamingHttpServer.start(vertx)) {
            LlmHttpClient client = new LlmHttpClient(vertx, Duration.ofSeconds(5), Duration.ofSeconds(30), 1, CAP);
            AtomicInteger sent = new AtomicInteger();
            client.postJson(server.url("/hold?n=first"), null, "{}", sent::incrementAndGet).subscribe().with(reply -> {
            }, failure -> {
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> server.received().size() == 1);
            assertThat(sent).as("the first call was sent").hasValue(1);
            Cancellable late = client.postJson(server.url("/hold?n=late"), null, "{}", sent::incrementAndGet)
                    .subscribe().with(reply -> {
                    }, failure -> {
                    });
            Thread.sleep(200);
            late.cancel(); // the one connection is busy: this call never had one

            server.releaseHeld();
            Thread.sleep(1000); // the connection is free now: a late call would arrive
            assertThat(server.received()).as("calls that reached the server").containsExactly("/hold?n=first");
            // Never sent, so never billed: the ledger counts the calls the provider saw.
            assertThat(sent).as("calls said to be sent").hasValue(1);
            client.close();
        }
    }

    @Test
    void anAnswerOverTheCapIsAnInvalidAnswer() throws Exception {
        try (StreamingHttpServer server = StreamingHttpServer.start(vertx)) {
            LlmHttpClient client = new LlmHttpClient(vertx, Duration.ofSeconds(5), Duration.ofSeconds(30), 4, CAP);
            for (String path : List.of("/large", "/large-chunked")) {
                assertThatThrownBy(() -> client.postJson(server.url(path), null, "{}", NOTHING).await()
                        .atMost(Duration.ofSeconds(10))).as(path).isInstanceOf(InvalidAnswerException.class)
                        .hasMessage("answer larger than " + CAP + " bytes (llm.max-response-bytes)");
            }
            assertThat(client.postJson(server.url("/small"), null, "{}", NOTHING).await().atMost(Duration.ofSeconds(10))
                    .status()).isEqualTo(200);
            client.close();
        }
    }
}
