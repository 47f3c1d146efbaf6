package dev.conversationworker.formatting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;

import org.junit.jupiter.api.Test;

import dev.conversationworker.model.FormattedConversation;
import dev.conversationworker.model.HistoryEntry;
import dev.conversationworker.support.TokenCount;

/** {@code formatting.max-prompt-tokens}: the rendered conversation is cut by the primary model's tokens too. */
class ConversationFormatterTokenBudgetTest {

    private static final TokenCount GPT_4O = TokenCount.forModel("gpt-4o-mini");
    private static final String[] ENGLISH = ("my order has not arrived yet and the tracking page says it is still in "
            + "the warehouse could you please check what is going on I paid for express shipping").split(" ");
    private static final String[] VIETNAMESE = ("Làm sao để đổi mật khẩu đơn hàng của tôi giao chậm quá tôi muốn "
            + "hoàn tiền ngay bây giờ cảm ơn bạn nhiều nhé").split(" ");
    private static final String[] EMOJI = {"😀", "👍", "🙏", "🔥", "👨‍👩‍👧", "🇻🇳", "❤️"};

    @Test
    void aLongEnglishConversationIsCutToTheBudgetKeepingTheNewestMessages() {
        List<HistoryEntry> history = conversation(200, new Random(1), ENGLISH, 30);
        FormattedConversation out = new ConversationFormatter(1_000_000, 4000, 500, GPT_4O).format(history);

        assertThat(GPT_4O.of(out.text())).isLessThanOrEqualTo(500).isGreaterThan(400);
        assertKeepsTheNewestNumberedInOrder(out, 200);
        assertThat(out.truncated()).isTrue();
    }

    @Test
    void vietnameseAndEmojiHaveMoreTokensPerCharacterAndAreCutByTokensFirst() {
        List<HistoryEntry> history = conversation(200, new Random(2), VIETNAMESE, 30);
        for (int i = 0; i < history.size(); i += 3) {
            history.set(i, entry("user", history.get(i).text() + " " + String.join("", EMOJI)));
        }
        ConversationFormatter formatter = new ConversationFormatter(12_000, 4000, 1000, GPT_4O);
        FormattedConversation out = formatter.format(history);

        assertThat(GPT_4O.of(out.text())).isLessThanOrEqualTo(1000);
        assertThat(out.text().length()).as("the tokens bit before the characters").isLessThan(12_000 - 500);
        assertThat(out.includedCount()).isLessThan(new ConversationFormatter(12_000, 4000).format(history)
                .includedCount());
        assertKeepsTheNewestNumberedInOrder(out, 200);
    }

    @Test
    void theNoticeCountsTheMessagesLeftOutAndIsCountedInTheBudget() {
        String older = String.join(" ", ENGLISH).repeat(10);
        FormattedConversation out = new ConversationFormatter(100_000, 100_000, 100, GPT_4O)
                .format(List.of(entry("user", older), entry("assistant", "Sure, let me check.")));
        assertThat(out.text()).isEqualTo("[1 earlier message omitted]\n2. [ASSISTANT]: Sure, let me check.");
        assertThat(out.includedCount()).isEqualTo(1);
        assertThat(out.truncated()).isTrue();

        FormattedConversation two = new ConversationFormatter(100_000, 100_000, 100, GPT_4O).format(List.of(
                entry("user", older), entry("user", older), entry("assistant", "Sure.")), 5);
        assertThat(two.text()).startsWith("[4 earlier messages omitted]\n5. [ASSISTANT]: Sure.");
    }

    @Test
    void aLastMessageAloneOverTheBudgetIsShortenedWithoutSplittingACharacter() {
        String emojis = "😀🇻🇳👍".repeat(400);
        for (int budget = 100; budget < 140; budget += 7) {
            FormattedConversation out = new ConversationFormatter(100_000, 100_000, budget, GPT_4O)
                    .format(List.of(entry("user", "older"), entry("user", emojis)));
            assertThat(GPT_4O.of(out.text())).isLessThanOrEqualTo(budget).isGreaterThan(budget - 10);
            assertThat(out.text()).startsWith("[1 earlier message omitted]\n2. [USER]: 😀").endsWith("…");
            assertThat(out.includedCount()).isEqualTo(1);
            assertNoPairSplitByACut(out.text());
        }
    }

    @Test
    void aConversationOfFewerBytesThanTheBudgetIsNotCounted() {
        AtomicInteger counted = new AtomicInteger();
        ToIntFunction<String> counting = text -> {
            counted.incrementAndGet();
            return GPT_4O.of(text);
        };
        List<HistoryEntry> history = List.of(entry("user", "Làm sao để đổi mật khẩu? 😀"),
                entry("assistant", "Vào Cài đặt."));
        FormattedConversation out = new ConversationFormatter(12_000, 4000, 100, counting).format(history);

        assertThat(counted).hasValue(0);
        assertThat(out).isEqualTo(new ConversationFormatter(12_000, 4000).format(history));
    }

    @Test
    void aConversationOfMoreBytesButFewerTokensIsCountedOnceAndKeptWhole() {
        AtomicInteger counted = new AtomicInteger();
        ToIntFunction<String> counting = text -> {
            counted.incrementAndGet();
            return GPT_4O.of(text);
        };
        List<HistoryEntry> history = conversation(20, new Random(3), ENGLISH, 20);
        FormattedConversation out = new ConversationFormatter(12_000, 4000, 400, counting).format(history);

        assertThat(TokenCount.atMost(out.text())).isGreaterThan(400);
        assertThat(GPT_4O.of(out.text())).isLessThanOrEqualTo(400);
        assertThat(counted).hasValue(1);
        assertThat(out).isEqualTo(new ConversationFormatter(12_000, 4000).format(history));
    }

    @Test
    void theTokensNeverExceedTheBudgetOverManyRandomConversations() {
        Random random = new Random(20261202);
        TokenCount gpt4 = TokenCount.forModel("gpt-4");
        String[][] alphabets = {ENGLISH, VIETNAMESE, EMOJI,
                {"你好", "退款", "12345678", "?!", "...", "   ", "<|endoftext|>", "a\u200Db", "\t\n"},
                // Lone surrogates (a JSON string may escape one): jtokkit asserts against them for cl100k (with -ea).
                {"\uD83D", "\uDE00x", "ok"}};
        for (int run = 0; run < 300; run++) {
            TokenCount tokens = run % 4 == 3 ? gpt4 : GPT_4O;
            int alphabetsUsed = tokens == gpt4 ? alphabets.length - 1 : alphabets.length;
            int maxChars = 80 + random.nextInt(20_000);
            int maxMessageChars = 1 + random.nextInt(5_000);
            int maxTokens = 100 + random.nextInt(3_000);
            List<HistoryEntry> history = new ArrayList<>();
            int messages = random.nextInt(120);
            for (int i = 0; i < messages; i++) {
                history.add(entry(random.nextBoolean() ? "user" : "assistant",
                        text(random, alphabets[random.nextInt(alphabetsUsed)], random.nextInt(300))));
            }
            int total = messages + (random.nextInt(4) == 0 ? random.nextInt(1000) : 0);
            FormattedConversation out = new ConversationFormatter(maxChars, maxMessageChars, maxTokens, tokens)
                    .format(history, total);
            FormattedConversation byChars = new ConversationFormatter(maxChars, maxMessageChars).format(history,
                    total);
            String what = "run " + run + ": " + maxTokens + " tokens, " + maxChars + " chars";

            assertThat(tokens.of(out.text())).as(what).isLessThanOrEqualTo(maxTokens);
            assertThat(out.text().length()).as(what).isLessThanOrEqualTo(maxChars);
            if (tokens.of(byChars.text()) <= maxTokens) {
                assertThat(out).as(what + ": within both budgets, as the characters alone cut it").isEqualTo(byChars);
            } else if (messages > 0) {
                assertKeepsTheNewestNumberedInOrder(out, total);
            }
            assertNoPairSplitByACut(out.text());
        }
    }

    @Test
    void theUtf8LengthIsTheEncodedOneAndALoneSurrogateCountsThree() {
        for (String text : List.of("", "abc", "Làm sao để đổi mật khẩu?", "😀👨‍👩‍👧🇻🇳", "你好 <|endoftext|>")) {
            assertThat(TokenCount.atMost(text)).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
        }
        assertThat(TokenCount.atMost("a\uD83D")).isEqualTo(4);
        assertThat(TokenCount.atMost("\uDE00\uD83D")).isEqualTo(6);
    }

    @Test
    void aBudgetTooSmallForTheNoticeAndAMessageIsRefused() {
        assertThatThrownBy(() -> new ConversationFormatter(12_000, 4000, 99, GPT_4O))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("formatting.max-prompt-tokens must be at least 100, got 99");
    }

    /** The lines are the last of the conversation, numbered in it, after a notice counting the others. */
    private static void assertKeepsTheNewestNumberedInOrder(FormattedConversation out, int total) {
        String[] lines = out.text().split("\n");
        int omitted = total - out.includedCount();
        assertThat(out.includedCount()).isPositive();
        assertThat(lines).hasSize(out.includedCount() + (omitted > 0 ? 1 : 0));
        if (omitted > 0) {
            assertThat(lines[0]).isEqualTo("[" + omitted + " earlier message" + (omitted == 1 ? "" : "s")
                    + " omitted]");
        }
        for (int i = 0; i < out.includedCount(); i++) {
            assertThat(lines[lines.length - out.includedCount() + i]).startsWith((omitted + 1 + i) + ". [");
        }
    }

    private static List<HistoryEntry> conversation(int messages, Random random, String[] words, int length) {
        List<HistoryEntry> history = new ArrayList<>();
        for (int i = 0; i < messages; i++) {
            history.add(entry(i % 2 == 0 ? "user" : "assistant", text(random, words, 1 + random.nextInt(length))));
        }
        return history;
    }

    private static String text(Random random, String[] words, int count) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < count; i++) {
            text.append(i == 0 ? "" : " ").append(words[random.nextInt(words.length)]);
        }
        return text.toString();
    }

    private static void assertWholeCharacters(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)) {
                assertThat(i + 1).isLessThan(text.length());
                assertThat(Character.isLowSurrogate(text.charAt(++i))).as("pair at %d", i).isTrue();
            } else {
                assertThat(Character.isLowSurrogate(c)).as("lone low surrogate at %d", i).isFalse();
            }
        }
    }

    /** Customers may send lone surrogates; a cut must not make one of a pair. */
    private static void assertNoPairSplitByACut(String text) {
        for (int i = 0; i + 1 < text.length(); i++) {
            assertThat(Character.isHighSurrogate(text.charAt(i)) && text.charAt(i + 1) == '…')
                    .as("pair cut at %d", i).isFalse();
        }
    }

    private static HistoryEntry entry(String role, String text) {
        return new HistoryEntry("e", role, text, "2026-11-24T10:00:00Z");
    }
}
