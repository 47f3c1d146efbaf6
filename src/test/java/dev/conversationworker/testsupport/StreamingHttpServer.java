package dev.conversationworker.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;

/**
 * A real local HTTP server for the transport's tests, answering by path: {@code /slow} streams 1 KiB every 50 ms
 * for up to 30 s and notes when the client closes the connection; {@code /large} answers 1 MiB with its
 * {@code Content-Length}, {@code /large-chunked} the same in 8 KiB chunks; {@code /hold} answers only on
 * {@link #releaseHeld()}; anything else {@code {}}. Records the URI of every request it received.
 */
public final class StreamingHttpServer implements AutoCloseable {

    private static final int ONE_MB = 1024 * 1024;

    private final Vertx vertx;
    private final HttpServer server;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final List<HttpServerRequest> held = new CopyOnWriteArrayList<>();
    private final AtomicInteger chunksStreamed = new AtomicInteger();
    private final CompletableFuture<Void> closedWhileStreaming = new CompletableFuture<>();

    private StreamingHttpServer(Vertx vertx) throws Exception {
        this.vertx = vertx;
        this.server = vertx.createHttpServer().requestHandler(this::answer);
        server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    public static StreamingHttpServer start(Vertx vertx) throws Exception {
        return new StreamingHttpServer(vertx);
    }

    public String url(String pathAndQuery) {
        return "http://127.0.0.1:" + server.actualPort() + pathAndQuery;
    }

    /** The URI (path and query) of every request received, in order. */
    public List<String> received() {
        return received;
    }

    /** 1 KiB chunks written by {@code /slow} so far. */
    public int chunksStreamed() {
        return chunksStreamed.get();
    }

    /**
     * Once {@code /slow} has streamed a few chunks, {@code cancel} gives the call up: the connection must be closed
     * and nothing more written to it.
     */
    public void assertCancelClosesTheStream(Runnable cancel) throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> chunksStreamed() >= 3);
        cancel.run();
        closedWhileStreaming.get(5, TimeUnit.SECONDS);
        int streamed = chunksStreamed();
        Thread.sleep(300);
        assertThat(chunksStreamed()).as("chunks written after the close")
                .isEqualTo(streamed);
    }

    /** Answers every {@code /hold} request received so far. */
    public void releaseHeld() {
        held.forEach(request -> request.response().setStatusCode(200).end("{}"));
        held.clear();
    }

    private void answer(HttpServerRequest request) {
        received.add(request.uri());
        var response = request.response().putHeader("Content-Type", "application/json");
        switch (request.path()) {
            case "/slow" -> {
                response.setChunked(true).setStatusCode(200);
                long until = System.currentTimeMillis() + 30_000;
                long timer = vertx.setPeriodic(50, id -> {
                    if (System.currentTimeMillis() > until) {
                        vertx.cancelTimer(id);
                        response.end();
                    } else if (!response.closed()) {
                        response.write(Buffer.buffer(new byte[1024]));
                        chunksStreamed.incrementAndGet();
                    }
                });
                response.closeHandler(v -> {
                    vertx.cancelTimer(timer);
                    closedWhileStreaming.complete(null);
                });
            }
            case "/large" -> response.end(Buffer.buffer(new byte[ONE_MB]));
            case "/large-chunked" -> {
                response.setChunked(true);
                for (int i = 0; i < ONE_MB; i += 8192) {
                    response.write(Buffer.buffer(new byte[8192]));
                }
                response.end();
            }
            case "/hold" -> held.add(request);
            default -> response.end("{}");
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
