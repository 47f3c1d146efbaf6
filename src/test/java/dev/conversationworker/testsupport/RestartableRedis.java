package dev.conversationworker.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import redis.embedded.RedisServer;

/**
 * A real {@code redis-server} of a test's own, on a fixed port, that can be stopped and started again with its data
 * kept on disk (append-only, fsync always), as a real restart keeps it.
 */
public final class RestartableRedis implements AutoCloseable {

    private final int port;
    private final Path dir;
    private RedisServer server;

    public RestartableRedis(String label) throws IOException {
        this.port = Ports.freePort();
        this.dir = Files.createTempDirectory(label);
        start();
    }

    public String hosts() {
        return "redis://127.0.0.1:" + port;
    }

    public void start() throws IOException {
        server = RedisServer.newRedisServer().bind("127.0.0.1").port(port).setting("dir " + dir)
                .setting("appendonly yes").setting("appendfsync always").setting("save \"\"").build();
        server.start();
    }

    public void stop() throws IOException {
        server.stop();
    }

    @Override
    public void close() throws IOException {
        stop();
    }
}
