package dev.conversationworker.history;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.CRC32;

/**
 * Redis keys of one conversation, and of the idle schedule of its shard. A conversation id may hold any characters,
 * so it is used as it is only when it is short and plain; otherwise its SHA-256 stands in.
 * <p>
 * Every key of a conversation carries the hash tag of its <em>shard</em>, {@code {s<NN>}}, one of {@link #SHARDS}
 * chosen by a CRC-32 of the conversation id; the shard's idle schedule (a sorted set of due times and a hash of
 * armed conversations) carries the same tag. So the append script can store a message and arm its conversation's
 * idle timer in one atomic step, also on Redis Cluster, where a script may touch keys of one slot only; and the
 * schedule is spread over 64 slots, not one hot key. The slug of the id comes after the tag, so braces in an id
 * could not break it (they are not plain, and are hashed away).
 * <p>
 * {@link #SHARDS} is part of the key layout: changing it moves every conversation to other keys.
 */
public record HistoryKeys(String messages, String seenEventIds, String sequence, String publishedAnalyses,
        String paged, String pseudonyms, String slug, IdleShard shard) {

    /** Shards of the key space (Redis Cluster slots used). Fixed: changing it relocates every conversation. */
    public static final int SHARDS = 64;

    /**
     * The idle schedule of one shard: due times (sorted set), armed conversations (hash), claims (hash), failed
     * attempts of the analyses of its timers (hash).
     */
    public record IdleShard(int index, String due, String armed, String claims, String attempts) {

        public static IdleShard of(String prefix, int index) {
            String base = prefix + ":" + tag(index) + ":idle:";
            return new IdleShard(index, base + "due", base + "armed", base + "claims", base + "attempts");
        }
    }

    public static HistoryKeys of(String prefix, String conversationId) {
        int shard = shardOf(conversationId);
        String slug = slug(conversationId);
        String base = prefix + ":" + tag(shard) + ":" + slug + ":";
        return new HistoryKeys(base + "messages", base + "seen", base + "seq", base + "published", base + "paged",
                base + "pseudonyms", slug, IdleShard.of(prefix, shard));
    }

    /** The shard of a conversation: stable across versions, instances and JVMs (CRC-32 of its UTF-8 bytes). */
    public static int shardOf(String conversationId) {
        CRC32 crc = new CRC32();
        crc.update(conversationId.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % SHARDS);
    }

    private static String tag(int shard) {
        return "{s" + (shard < 10 ? "0" : "") + shard + "}";
    }

    /** {@code [A-Za-z0-9._:@-]{1,128}}, without a regex: this runs for every event. */
    private static boolean plain(String id) {
        if (id.isEmpty() || id.length() > 128) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
                    || c == '_' || c == ':' || c == '@' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    static String slug(String conversationId) {
        if (plain(conversationId)) {
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
