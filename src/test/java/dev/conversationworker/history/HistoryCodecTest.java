package dev.conversationworker.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.conversationworker.model.HistoryEntry;

class HistoryCodecTest {

    @Test
    void roundTripsWithThePositionAndLeavesItOutWhenUnknown() {
        HistoryEntry placed = new HistoryEntry("e-1", "user", "Xin chào 🙂", "2026-11-24T10:00:00Z", 3, 42L);
        assertThat(HistoryCodec.decode(List.of(HistoryCodec.encode(placed))).entries()).containsExactly(placed);
        assertThat(HistoryCodec.encode(new HistoryEntry("e-2", "user", "hi", "2026-11-24T10:00:00Z")))
                .doesNotContain("offset").doesNotContain("partition");
    }

    @Test
    void skipsWhatItCannotReadAndIgnoresFieldsItDoesNotKnow() {
        HistoryCodec.Decoded decoded = HistoryCodec.decode(List.of(
                "{\"eventId\":\"e-1\",\"role\":\"user\",\"text\":\"first\",\"timestamp\":\"t\"}",
                "hand-written garbage",
                "{\"eventId\":\"e-2\"}",
                "[1,2]",
                "{\"eventId\":\"e-3\",\"role\":\"agent\",\"text\":\"from a newer version\",\"timestamp\":\"t\","
                        + "\"sentiment\":\"new field\"}"));
        assertThat(decoded.entries()).extracting(HistoryEntry::eventId).containsExactly("e-1", "e-3");
        assertThat(decoded.unreadable()).isEqualTo(3);
    }
}
