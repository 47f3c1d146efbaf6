package dev.conversationworker.bench;

import java.util.concurrent.TimeUnit;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

/** Redis {@code used_memory} (INFO memory) and {@code DBSIZE}: what the worker's keys cost the server. */
final class RedisMemory implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();
    private final Redis redis;

    RedisMemory(String redisHosts) {
        this.redis = Redis.createClient(vertx, redisHosts);
    }

    /** {@code used_memory} in MiB; NaN if Redis did not answer. */
    double usedMib() {
        try {
            String info = send(Request.cmd(Command.INFO).arg("memory"));
            for (String line : info.split("\r?\n")) {
                if (line.startsWith("used_memory:")) {
                    return Long.parseLong(line.substring("used_memory:".length()).trim()) / (1024.0 * 1024.0);
                }
            }
            return Double.NaN;
        } catch (Exception e) {
            return Double.NaN;
        }
    }

    /** Keys in the database; -1 if Redis did not answer. */
    long keys() {
        try {
            return Long.parseLong(send(Request.cmd(Command.DBSIZE)));
        } catch (Exception e) {
            return -1;
        }
    }

    private String send(Request request) throws Exception {
        return redis.send(request).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).toString();
    }

    @Override
    public void close() {
        redis.close();
        vertx.close();
    }
}
