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

    /**
     * Calls per command so far, from {@code INFO commandstats} (commands run inside scripts included), e.g.
     * {@code evalsha}, {@code zrangebyscore}.
     */
    public java.util.Map<String, Long> commandCalls() throws Exception {
        Response response = redis.send(Request.cmd(Command.INFO).arg("commandstats")).toCompletionStage()
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        java.util.Map<String, Long> calls = new java.util.TreeMap<>();
        for (String line : response.toString().split("\r?\n")) {
            // cmdstat_zrangebyscore:calls=12,usec=...
            if (line.startsWith("cmdstat_")) {
                String name = line.substring("cmdstat_".length(), line.indexOf(':'));
                String rest = line.substring(line.indexOf("calls=") + "calls=".length());
                calls.put(name, Long.parseLong(rest.substring(0, rest.indexOf(','))));
            }
        }
        return calls;
    }

    @Override
    public void close() {
        redis.close();
        vertx.close();
    }
}
