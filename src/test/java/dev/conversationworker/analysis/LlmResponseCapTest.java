package dev.conversationworker.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.opentelemetry.context.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import dev.conversationworker.model.FormattedConversation;
import dev.conversationworker.model.LlmUsage;
import dev.conversationworker.model.Provider;
import dev.conversationworker.ops.Traces;
import dev.conversationworker.testsupport.TestConfigs;

/**
 * Answer bodies over {@code llm.max-response-bytes} (here 64 KiB), against a real local HTTP server: a 1 MB answer
 * (declared up front, or streamed in chunks) and a small gzip answer that inflates to 1 MB. Each would be a valid
 * answer without the cap; with it, each is an invalid answer (retried once), and the fallback answers.
 */
class LlmResponseCapTest {

    private static final long CAP = 64 * 1024;
    private static final int ONE_MB = 1024 * 1024;
    private static final UsageLedger LEDGER = new UsageLedger(LlmUsage.NONE, UsageLedger.Sink.NONE);

    private static Vertx vertx;
    private static HttpServer server;
    private static LlmHttpClient http;
    private static final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer().requestHandler(LlmResponseCapTest::answer);
        server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        http = new LlmHttpClient(vertx, Duration.ofSeconds(2), Duration.ofSeconds(10), 16, CAP);
    }

    @AfterAll
    static void stop() {
        http.close();
        vertx.close();
    }

    @Test
    void aOneMegabyteAnswerWithContentLengthIsInvalidAndTheFallbackAnswers() {
        assertCappedAndFallbackAnswers("declared-1mb");
    }

    @Test
    void aOneMegabyteAnswerStreamedInChunksIsInvalidAndTheFallbackAnswers() {
        assertCappedAndFallbackAnswers("chunked-1mb");
    }

    @Test
    void aSmallGzipAnswerThatInflatesBeyondTheCapIsInvalidAndTheFallbackAnswers() {
        assertCappedAndFallbackAnswers("gzip-bomb");
    }

    @Test
    void aSmallGzipAnswerWithinTheCapIsRead() {
        LlmAnswer answer = endpoint(Provider.FALLBACK, "gzip-small").analyse(prompt(), Context.root(), false, LEDGER)
                .await()
                .atMost(Duration.ofSeconds(10));
        assertThat(answer.result().intent()).isEqualTo("account_access");
    }

    private static void assertCappedAndFallbackAnswers(String model) {
        LlmEndpoint primary = endpoint(Provider.PRIMARY, model);
        int before = calls.computeIfAbsent(model, m -> new AtomicInteger()).get();
        assertThatThrownBy(
                () -> primary.analyse(prompt(), Context.root(), false, LEDGER).await().atMost(Duration.ofSeconds(10)))
                .isInstanceOf(InvalidAnswerException.class).hasMessageContaining("larger than " + CAP + " bytes");
        assertThat(calls.get(model).get() - before).as("an invalid answer is retried once").isEqualTo(2);

        LlmEndpoint fallback = endpoint(Provider.FALLBACK, "small");
        LlmAnswer answer = HedgedCall.race(() -> primary.analyse(prompt(), Context.root(), false, LEDGER),
                () -> fallback.analyse(prompt(), Context.root(), false, LEDGER),
                Duration.ofSeconds(10), () -> {
                }).await().atMost(Duration.ofSeconds(10));
        assertThat(answer.endpoint()).isEqualTo(Provider.FALLBACK);
    }

    private static LlmEndpoint endpoint(Provider name, String model) {
        return new LlmEndpoint(new EndpointSettings(name, "http://127.0.0.1:" + server.actualPort() + "/v1", null,
                model, LlmConfig.ResponseFormat.JSON_SCHEMA, 16), TestConfigs.fastLlm(CAP), http, Traces.none());
    }

    private static AnalysisPrompt prompt() {
        return AnalysisPrompt.of(new FormattedConversation("1. [USER]: hi", 1, 1, false));
    }

    private static void answer(HttpServerRequest request) {
        request.body().onSuccess(buffer -> {
            String model = buffer.toJsonObject().getString("model");
            calls.computeIfAbsent(model, m -> new AtomicInteger()).incrementAndGet();
            var response = request.response().putHeader("Content-Type", "application/json");
            switch (model) {
                case "declared-1mb" -> response.end(completion(ONE_MB));
                case "chunked-1mb" -> {
                    response.setChunked(true);
                    String body = completion(ONE_MB);
                    for (int i = 0; i < body.length(); i += 8192) {
                        response.write(body.substring(i, Math.min(body.length(), i + 8192)));
                    }
                    response.end();
                }
                case "gzip-bomb" -> response.putHeader("Content-Encoding", "gzip").end(gzip(completion(ONE_MB)));
                case "gzip-small" -> response.putHeader("Content-Encoding", "gzip").end(gzip(completion(100)));
                default -> response.end(completion(100));
            }
        });
    }

    /** A valid completion of about {@code size} bytes (the summary pads it; it would be cut, not refused). */
    private static String completion(int size) {
        String result = new JsonObject().put("userQuestions", new JsonArray()).put("intent", "account_access")
                .put("sentiment", "neutral").put("summary", "s".repeat(size)).put("needsAttention", false)
                .put("severity", "low").put("language", "en").encode();
        return new JsonObject().put("choices", new JsonArray().add(new JsonObject()
                .put("message", new JsonObject().put("role", "assistant").put("content", result))
                .put("finish_reason", "stop"))).encode();
    }

    private static Buffer gzip(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        assertThat(bytes.size()).as("compressed below the cap").isLessThan((int) CAP);
        return Buffer.buffer(bytes.toByteArray());
    }
}
