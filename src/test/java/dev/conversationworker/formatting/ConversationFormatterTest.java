package dev.conversationworker.formatting;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.conversationworker.model.FormattedConversation;
import dev.conversationworker.model.HistoryEntry;

class ConversationFormatterTest {

    @Test
    void numbersEachMessageWithItsRole() {
        FormattedConversation out = new ConversationFormatter(1000, 500).format(List.of(
                entry("user", "Làm sao để đổi mật khẩu?"), entry("assistant", "Vào Cài đặt."),
                entry("agent", "Line one\nline two")));
        assertThat(out.text()).isEqualTo("""
                1. [USER]: Làm sao để đổi mật khẩu?
                2. [ASSISTANT]: Vào Cài đặt.
                3. [AGENT]: Line one line two""");
        assertThat(out.messageCount()).isEqualTo(3);
        assertThat(out.includedCount()).isEqualTo(3);
        assertThat(out.truncated()).isFalse();
    }

    @Test
    void keepsTheMostRecentMessagesAndSaysWhatItLeftOut() {
        List<HistoryEntry> history = new ArrayList<>();
        for (int i = 1; i <= 50; i++) {
            history.add(entry(i % 2 == 0 ? "assistant" : "user", "message number " + i));
        }
        FormattedConversation out = new ConversationFormatter(200, 500).format(history);
        assertThat(out.text().length()).isLessThanOrEqualTo(200);
        assertThat(out.truncated()).isTrue();
        assertThat(out.messageCount()).isEqualTo(50);
        String[] lines = out.text().split("\n");
        int omitted = 50 - out.includedCount();
        assertThat(lines[0]).isEqualTo("[" + omitted + " earlier messages omitted]");
        assertThat(lines[lines.length - 1]).isEqualTo("50. [ASSISTANT]: message number 50");
        assertThat(lines[1]).startsWith((omitted + 1) + ". [");
    }

    @Test
    void neverSplitsAnEmojiWhenCutting() {
        String emojis = "😀".repeat(400);
        for (int budget = 80; budget < 120; budget++) {
            FormattedConversation out = new ConversationFormatter(budget, 100_000)
                    .format(List.of(entry("user", "older"), entry("user", emojis)));
            assertThat(out.text().length()).isLessThanOrEqualTo(budget);
            assertThat(out.truncated()).isTrue();
            assertWholeCharacters(out.text());
        }
        FormattedConversation cutMessage = new ConversationFormatter(10_000, 101)
                .format(List.of(entry("user", emojis)));
        assertThat(cutMessage.text()).endsWith("…").hasSizeLessThanOrEqualTo(101);
        assertWholeCharacters(cutMessage.text());
    }

    @Test
    void anEmptyHistoryFormatsToNothing() {
        FormattedConversation out = new ConversationFormatter(100, 100).format(List.of());
        assertThat(out.text()).isEmpty();
        assertThat(out.messageCount()).isZero();
        assertThat(out.truncated()).isFalse();
    }

    @Test
    void onlyTheMostRecentMessagesReadAreNumberedInTheWholeConversation() {
        FormattedConversation out = new ConversationFormatter(1000, 100)
                .format(List.of(entry("user", "third"), entry("assistant", "fourth")), 4);
        assertThat(out.text()).isEqualTo("[2 earlier messages omitted]\n3. [USER]: third\n4. [ASSISTANT]: fourth");
        assertThat(out.messageCount()).isEqualTo(4);
        assertThat(out.includedCount()).isEqualTo(2);
        assertThat(out.truncated()).isTrue();
    }

    private static void assertWholeCharacters(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)) {
                assertThat(i + 1).isLessThan(text.length());
                assertThat(Character.isLowSurrogate(text.charAt(++i))).isTrue();
            } else {
                assertThat(Character.isLowSurrogate(c)).as("lone low surrogate at %d", i).isFalse();
            }
        }
    }

    @Test
    void controlAndFormatCharactersGoAndTruncationStillKeepsSurrogatePairsWhole() {
        String text = "\u0007a\u200B" + "👨\u200D👩\u200D👧\u2028".repeat(700);
        FormattedConversation out = new ConversationFormatter(1001, 999).format(List.of(entry("user", text)));
        assertThat(out.text()).startsWith("1. [USER]: a👨👩👧 👨👩👧").doesNotContain("\u200D", "\u200B", "\u2028",
                "\u0007");
        for (int i = 0; i < out.text().length(); i++) {
            char c = out.text().charAt(i);
            if (Character.isHighSurrogate(c)) {
                assertThat(Character.isLowSurrogate(out.text().charAt(i + 1))).as("pair at %d", i).isTrue();
            } else if (Character.isLowSurrogate(c)) {
                assertThat(Character.isHighSurrogate(out.text().charAt(i - 1))).as("pair at %d", i).isTrue();
            }
        }
    }

    private static HistoryEntry entry(String role, String text) {
        return new HistoryEntry("e", role, text, "2026-11-24T10:00:00Z");
    }
}
