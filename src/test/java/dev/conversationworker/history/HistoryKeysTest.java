package dev.conversationworker.history;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HistoryKeysTest {

    @Test
    void plainIdsStayReadableAndShareOneClusterSlot() {
        HistoryKeys keys = HistoryKeys.of("cw", "c-42");
        assertThat(keys.messages()).isEqualTo("cw:{c:c-42}:messages");
        assertThat(keys.seenEventIds()).isEqualTo("cw:{c:c-42}:seen");
        assertThat(keys.sequence()).isEqualTo("cw:{c:c-42}:seq");
    }

    @Test
    void anyOtherIdIsHashedSoItCannotBreakTheHashTagOrTheKeySpace() {
        for (String id : new String[]{"a}b{c", "{x}", "c 42", "c\r\nFLUSHALL", "c-*", "x".repeat(10_000), "đơn"}) {
            HistoryKeys keys = HistoryKeys.of("cw", id);
            assertThat(keys.messages()).matches("cw:\\{h:[0-9a-f]{64}\\}:messages");
        }
        assertThat(HistoryKeys.of("cw", "a}b").messages()).isNotEqualTo(HistoryKeys.of("cw", "a{b").messages());
        // A readable id can never collide with a hashed one: the prefixes differ.
        assertThat(HistoryKeys.slug("h:abc")).isEqualTo("c:h:abc");
    }
}
