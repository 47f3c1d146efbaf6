package dev.conversationworker.formatting;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.ToIntFunction;

import dev.conversationworker.support.SafeTruncation;
import dev.conversationworker.support.TokenCount;

/**
 * Cuts rendered lines to {@code formatting.max-prompt-tokens}, counted with the primary model's tokenizer, the unit
 * a call is billed in; the most recent messages are kept, and the omitted-notice counts too. The whole text is
 * counted at the end, not only a sum of lines, since a token may span a line break: the result never has more.
 */
final class PromptTokenBudget {

    /** Tokens of the {@code \n} between two lines, while choosing them; the final count of the whole is exact. */
    private static final int NEWLINE = 1;

    private final int maxTokens;
    private final ToIntFunction<String> tokens;

    PromptTokenBudget(int maxTokens, ToIntFunction<String> tokens) {
        if (maxTokens < ConversationFormatter.MIN_PROMPT_TOKENS) {
            throw new IllegalArgumentException("formatting.max-prompt-tokens must be at least "
                    + ConversationFormatter.MIN_PROMPT_TOKENS + ", got " + maxTokens);
        }
        this.maxTokens = maxTokens;
        this.tokens = tokens;
    }

    /** No budget: lines are returned as they are, never counted. */
    static PromptTokenBudget none() {
        return new PromptTokenBudget(Integer.MAX_VALUE, text -> 0);
    }

    RenderedLines fit(RenderedLines rendered) {
        String text = rendered.text();
        // Counting costs CPU on every analysis, so it is skipped where it cannot matter: a BPE token is at least one
        // UTF-8 byte, so a text of at most maxTokens bytes has at most maxTokens tokens.
        if (TokenCount.atMost(text) <= maxTokens || tokens.applyAsInt(text) <= maxTokens) {
            return rendered;
        }
        RenderedLines cut = mostRecentThatFit(rendered);
        for (int count = tokens.applyAsInt(cut.text()); count > maxTokens; count = tokens.applyAsInt(cut.text())) {
            cut = cut.lines().size() > 1 ? cut.withoutOldest() : onlyLineShortened(cut, count - maxTokens);
        }
        return cut;
    }

    /** The most recent lines whose tokens, with the notice's and one per line break, add up to the budget. */
    private RenderedLines mostRecentThatFit(RenderedLines rendered) {
        List<String> lines = rendered.lines();
        Deque<String> kept = new ArrayDeque<>();
        int used = 0;
        int i = lines.size() - 1;
        for (; i >= 0; i--) {
            int omittedIfStopHere = rendered.omitted() + i;
            int reserve = omittedIfStopHere > 0
                    ? tokens.applyAsInt(RenderedLines.omittedNotice(omittedIfStopHere)) + NEWLINE
                    : 0;
            String line = lines.get(i);
            int needed = tokens.applyAsInt(line) + (kept.isEmpty() ? 0 : NEWLINE);
            if (used + needed + reserve > maxTokens) {
                if (kept.isEmpty()) {
                    // Even the last message alone is over budget: keep as much of it as fits.
                    String part = shortened(line, maxTokens - reserve);
                    if (part != null) {
                        kept.addFirst(part);
                        i--;
                    }
                }
                break;
            }
            kept.addFirst(line);
            used += needed;
        }
        return new RenderedLines(List.copyOf(kept), rendered.omitted() + i + 1, true);
    }

    /** The one line left, cut by {@code excess} tokens more; or gone, leaving the notice alone. */
    private RenderedLines onlyLineShortened(RenderedLines cut, int excess) {
        String line = cut.lines().get(0);
        String part = shortened(line, tokens.applyAsInt(line) - excess);
        return part == null
                ? new RenderedLines(List.of(), cut.omitted() + 1, true)
                : new RenderedLines(List.of(part), cut.omitted(), true);
    }

    /**
     * The longest prefix of {@code line} that, with an ellipsis, has at most {@code room} tokens (never splitting a
     * character), or null if not even the ellipsis fits. A binary search: only a message alone over the budget gets
     * here.
     */
    private String shortened(String line, int room) {
        if (room < 1 || tokens.applyAsInt("…") > room) {
            return null;
        }
        int fits = 0;
        int over = line.length();
        while (over - fits > 1) {
            int middle = (fits + over) >>> 1;
            if (tokens.applyAsInt(SafeTruncation.prefix(line, middle) + "…") <= room) {
                fits = middle;
            } else {
                over = middle;
            }
        }
        return SafeTruncation.prefix(line, fits) + "…";
    }
}
