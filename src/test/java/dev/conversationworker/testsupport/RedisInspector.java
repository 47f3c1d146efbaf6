package dev.conversationworker.testsupport;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import dev.conversationworker.history.HistoryCodec;
import dev.conversationworker.history.HistoryKeys;
import dev.conversationworker.model.HistoryEntry;

/** Reads what the worker stored in Redis, for tests that run the worker as a separate process. */
public final class RedisInspector implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();
    private final Redis redis;
    private final String keyPrefix;

    public RedisInspector(String redisHosts, String keyPrefix) {
        this.redis = Redis.createClient(vertx, redisHosts);
        this.keyPrefix = keyPrefix;
    }

    /** The conversation's history, oldest first, as the worker stored it. */
    public List<HistoryEntry> history(String conversationId) throws Exception {
        Response response = redis.send(Request.cmd(Command.LRANGE)
                .arg(HistoryKeys.of(keyPrefix, conversationId).messages()).arg(0).arg(-1))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        List<String> stored = new ArrayList<>();
        response.forEach(item -> stored.add(item.toString()));
        return HistoryCodec.decode(stored).entries();
    }

    @Override
    public void close() {
        redis.close();
        vertx.close();
    }
}
