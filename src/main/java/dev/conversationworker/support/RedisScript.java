package dev.conversationworker.support;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;

/**
 * A Lua script shipped with the worker, run by its SHA-1 ({@code EVALSHA}) and sent whole only when the server does
 * not know it yet (after a restart or a flush). A script runs atomically: what it writes is written together or not
 * at all. Every script can call {@code now_ms()}: Redis' own clock ({@code TIME}) in milliseconds, the one clock
 * all instances share, written once here instead of in each script.
 */
public final class RedisScript {

    private static final String PRELUDE = """
            local function now_ms()
              local t = redis.call('TIME')
              return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            end
            """;

    private final String source;
    private final String sha;

    private RedisScript(String source) {
        this.source = source;
        this.sha = sha1(source);
    }

    /** @param resource a class-path resource, e.g. {@code /history/append.lua} */
    public static RedisScript load(String resource) {
        try (InputStream in = RedisScript.class.getResourceAsStream(resource)) {
            return new RedisScript(PRELUDE + new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("missing " + resource, e);
        }
    }

    /** @param keyCount how many of {@code keysThenArgs} are keys (they come first) */
    public Uni<Response> run(ReactiveRedisDataSource redis, int keyCount, String... keysThenArgs) {
        return redis.execute("EVALSHA", command(sha, keyCount, keysThenArgs))
                .onFailure(RedisScript::isNoScript)
                .recoverWithUni(() -> redis.execute("EVAL", command(source, keyCount, keysThenArgs)));
    }

    private static String[] command(String script, int keyCount, String[] keysThenArgs) {
        String[] all = new String[keysThenArgs.length + 2];
        all[0] = script;
        all[1] = Integer.toString(keyCount);
        System.arraycopy(keysThenArgs, 0, all, 2, keysThenArgs.length);
        return all;
    }

    private static boolean isNoScript(Throwable failure) {
        return failure.getMessage() != null && failure.getMessage().startsWith("NOSCRIPT");
    }

    private static String sha1(String script) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(script.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every JVM", e);
        }
    }
}
