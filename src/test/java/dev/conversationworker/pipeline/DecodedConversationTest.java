package dev.conversationworker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.conversationworker.formatting.ConversationFormatter;
import dev.conversationworker.history.HistoryCodec;
import dev.conversationworker.history.HistoryWindow;
import dev.conversationworker.model.HistoryEntry;

/** The format step's CPU part: what is decoded, counted and numbered. */
class DecodedConversationTest {

    private static final ConversationFormatter FORMATTER = new ConversationFormatter(1000, 500);

    @Test
    void anUnreadableEntryIsLeftOutCountedAndNotNumbered() {
        String first = HistoryCodec.encode(new HistoryEntry("e1", "user", "Hello", "2026-12-02T05:00:00Z", 0, 1L));
        String last = HistoryCodec.encode(new HistoryEntry("e3", "agent", "Hi", "2026-12-02T05:00:02Z", 0, 3L));

        DecodedConversation decoded = DecodedConversation.of(
                new HistoryWindow(3, 0, List.of(first, "{damaged", last)), FORMATTER);

        assertThat(decoded.entries()).extracting(HistoryEntry::eventId).containsExactly("e1", "e3");
        assertThat(decoded.unreadable()).isEqualTo(1);
        assertThat(decoded.formatted().messageCount()).isEqualTo(2);
        assertThat(decoded.formatted().text()).contains("1. [USER]: Hello").contains("2. [AGENT]: Hi");
    }

    @Test
    void messagesBeyondTheReadAreNumberedInTheWholeConversation() {
        String tenth = HistoryCodec.encode(new HistoryEntry("e10", "user", "Still there?", "2026-12-02T05:00:00Z"));

        DecodedConversation decoded = DecodedConversation.of(new HistoryWindow(10, 1, List.of(tenth)), FORMATTER);

        assertThat(decoded.formatted().messageCount()).isEqualTo(10);
        assertThat(decoded.formatted().text()).contains("10. [USER]: Still there?");
        assertThat(decoded.unplaced()).isEqualTo(1);
    }
}
