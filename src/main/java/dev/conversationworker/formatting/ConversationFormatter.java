package dev.conversationworker.formatting;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.function.ToIntFunction;

import dev.conversationworker.model.FormattedConversation;
import dev.conversationworker.model.HistoryEntry;
import dev.conversationworker.support.PromptText;
import dev.conversationworker.support.SafeTruncation;
import dev.conversationworker.support.TokenCount;

/**
 * Renders a conversation as numbered lines ({@code 1. [USER]: …}) within a character budget and a token budget,
 * whichever bites first. The most recent messages are kept; when older ones are left out a first line says how many.
 * Customer text loses its line breaks, control and format characters ({@link PromptText}), so {@code \n} appears
 * only between lines. Pure CPU work: it runs on the bounded worker pool, never on an event loop.
 */
public final class ConversationFormatter {

    public static final int MIN_CHARS = 80;
    /** Room for the omitted-notice and the start of the most recent message. */
    public static final int MIN_PROMPT_TOKENS = 100;

    private final int maxChars;
    private final int maxMessageChars;
    private final PromptTokenBudget tokenBudget;

    /** Characters only: no token budget. */
    public ConversationFormatter(int maxChars, int maxMessageChars) {
        this(maxChars, maxMessageChars, PromptTokenBudget.none());
    }

    /** @param tokens the primary model's tokenizer, the one the LLM ledger counts with */
    public ConversationFormatter(int maxChars, int maxMessageChars, int maxPromptTokens, TokenCount tokens) {
        this(maxChars, maxMessageChars, maxPromptTokens, tokens::of);
    }

    ConversationFormatter(int maxChars, int maxMessageChars, int maxPromptTokens, ToIntFunction<String> tokens) {
        this(maxChars, maxMessageChars, new PromptTokenBudget(maxPromptTokens, tokens));
    }

    private ConversationFormatter(int maxChars, int maxMessageChars, PromptTokenBudget tokenBudget) {
        if (maxChars < MIN_CHARS) {
            throw new IllegalArgumentException("formatting.max-chars must be at least " + MIN_CHARS + ", got "
                    + maxChars);
        }
        this.maxChars = maxChars;
        this.maxMessageChars = Math.max(1, maxMessageChars);
        this.tokenBudget = tokenBudget;
    }

    public FormattedConversation format(List<HistoryEntry> history) {
        return format(history, history.size());
    }

    /**
     * @param recent the most recent messages of the conversation, oldest first
     * @param total messages in the whole conversation ({@code recent} are the last of them): lines are numbered
     *        in the whole conversation, and the ones not in {@code recent} count as omitted
     */
    public FormattedConversation format(List<HistoryEntry> recent, int total) {
        RenderedLines rendered = tokenBudget.fit(withinChars(recent, total));
        return new FormattedConversation(rendered.text(), total, rendered.lines().size(), rendered.truncated());
    }

    private RenderedLines withinChars(List<HistoryEntry> recent, int total) {
        int skipped = Math.max(0, total - recent.size());
        Deque<String> kept = new ArrayDeque<>();
        int used = 0;
        boolean cut = skipped > 0;
        for (int i = total - 1; i >= skipped; i--) {
            String line = line(i + 1, recent.get(i - skipped));
            if (line.length() > maxMessageChars) {
                line = SafeTruncation.withEllipsis(line, maxMessageChars);
                cut = true;
            }
            int omittedIfStopHere = i;
            int reserve = omittedIfStopHere > 0 ? RenderedLines.omittedNotice(omittedIfStopHere).length() + 1 : 0;
            int needed = line.length() + (kept.isEmpty() ? 0 : 1);
            if (used + needed + reserve > maxChars) {
                if (kept.isEmpty()) {
                    // Even the last message alone is over budget: keep as much of it as fits.
                    int room = maxChars - (i > 0 ? RenderedLines.omittedNotice(i).length() + 1 : 0);
                    kept.addFirst(SafeTruncation.withEllipsis(line, room));
                    cut = true;
                    i--;
                }
                return new RenderedLines(List.copyOf(kept), i + 1, true);
            }
            kept.addFirst(line);
            used += needed;
        }
        return new RenderedLines(List.copyOf(kept), skipped, cut);
    }

    private static String line(int number, HistoryEntry entry) {
        // One line per message, without invisible characters: see PromptText.
        String text = PromptText.inline(entry.text());
        return number + ". [" + entry.role().toUpperCase(Locale.ROOT) + "]: " + text;
    }
}
