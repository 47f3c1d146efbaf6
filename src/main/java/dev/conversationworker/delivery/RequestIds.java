package dev.conversationworker.delivery;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.TreeSet;

/**
 * The {@code requestId} of a POST: derived from the dedupe-key alone, so the same record gets the same id on every
 * retry, redelivery and instance, and Google returns the message created the first time instead of a second one.
 * A digest's id is derived from the sorted dedupe-keys it covers. Pure.
 */
final class RequestIds {

    private RequestIds() {
    }

    static String of(String dedupeKey) {
        return "cw-" + hash("message:" + dedupeKey);
    }

    static String ofDigest(Collection<String> dedupeKeys) {
        return "cw-digest-" + hash("digest:" + String.join("\n", new TreeSet<>(dedupeKeys)));
    }

    /** A stable stand-in for a record without a {@code dedupe-key} header: its body. */
    static String dedupeKeyOf(String body) {
        return "body:" + hash(body);
    }

    private static String hash(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8))).substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
