package dev.conversationworker.http;

import io.vertx.core.MultiMap;

/** A complete HTTP answer: its status, its headers (names in any case) and its body, read as UTF-8. */
public record HttpAnswer(int status, MultiMap headers, String body) {

    /** The header's first value, or null. */
    public String header(String name) {
        return headers.get(name);
    }
}
