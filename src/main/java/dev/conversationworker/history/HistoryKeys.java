package dev.conversationworker.history;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Redis keys of one conversation. A conversation id may hold any characters, so it is used as it is only when it
 * is short and plain; otherwise its SHA-256 stands in. The id sits inside a hash tag, so all keys of a conversation
 * land on one Redis Cluster slot and the append script may touch them together; an id with braces of its own could
 * not break that tag, because braces are not plain.
 */
public record HistoryKeys(String messages, String seenEventIds, String sequence, String publishedAnalyses,
        String paged) {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9._:@-]{1,128}");

    public static HistoryKeys of(String prefix, String conversationId) {
        String tag = "{" + slug(conversationId) + "}";
        return new HistoryKeys(prefix + ":" + tag + ":messages", prefix + ":" + tag + ":seen",
                prefix + ":" + tag + ":seq", prefix + ":" + tag + ":published", prefix + ":" + tag + ":paged");
    }

    static String slug(String conversationId) {
        if (PLAIN.matcher(conversationId).matches()) {
            return "c:" + conversationId;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(conversationId.getBytes(StandardCharsets.UTF_8));
            return "h:" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
