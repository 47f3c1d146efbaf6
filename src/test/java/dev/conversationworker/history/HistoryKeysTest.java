package dev.conversationworker.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class HistoryKeysTest {

    @Test
    void plainIdsStayReadableAndShareOneClusterSlotWithTheirShardsSchedule() {
        HistoryKeys keys = HistoryKeys.of("cw", "c-42");
        String tag = String.format("{s%02d}", HistoryKeys.shardOf("c-42"));
        assertThat(keys.messages()).isEqualTo("cw:" + tag + ":c:c-42:messages");
        assertThat(keys.seenEventIds()).isEqualTo("cw:" + tag + ":c:c-42:seen");
        assertThat(keys.sequence()).isEqualTo("cw:" + tag + ":c:c-42:seq");
        assertThat(keys.shard().due()).isEqualTo("cw:" + tag + ":idle:due");
        assertThat(keys.shard().armed()).isEqualTo("cw:" + tag + ":idle:armed");
        assertThat(keys.slug()).isEqualTo("c:c-42");
    }

    @Test
    void anyOtherIdIsHashedSoItCannotBreakTheHashTagOrTheKeySpace() {
        for (String id : new String[]{"a}b{c", "{x}", "c 42", "c\r\nFLUSHALL", "c-*", "x".repeat(10_000), "đơn"}) {
            HistoryKeys keys = HistoryKeys.of("cw", id);
            assertThat(keys.messages()).matches("cw:\\{s\\d\\d\\}:h:[0-9a-f]{64}:messages");
        }
        assertThat(HistoryKeys.of("cw", "a}b").messages()).isNotEqualTo(HistoryKeys.of("cw", "a{b").messages());
        assertThat(HistoryKeys.slug("x".repeat(128))).isEqualTo("c:" + "x".repeat(128));
        assertThat(HistoryKeys.slug("x".repeat(129))).startsWith("h:");
        assertThat(HistoryKeys.slug("")).startsWith("h:");
        assertThat(HistoryKeys.slug("Az09._:@-")).isEqualTo("c:Az09._:@-");
        // A readable id can never collide with a hashed one: the prefixes differ.
        assertThat(HistoryKeys.slug("h:abc")).isEqualTo("c:h:abc");
    }

    @Test
    void theShardIsStableAndConversationsSpreadOverEveryShard() {
        // Part of the key layout: a change here would move every stored conversation.
        assertThat(HistoryKeys.shardOf("c-42")).isEqualTo(HistoryKeys.shardOf("c-42"));
        assertThat(HistoryKeys.shardOf("")).isZero();
        assertThat(HistoryKeys.shardOf("c-42")).isEqualTo((int) (crc("c-42") % 64));
        Set<Integer> shards = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            shards.add(HistoryKeys.shardOf("conversation-" + i));
        }
        assertThat(shards).hasSize(HistoryKeys.SHARDS);
    }

    private static long crc(String s) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return crc.getValue();
    }
}
