package dev.conversationworker.formatting;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

import dev.conversationworker.model.FormattedConversation;
import dev.conversationworker.model.HistoryEntry;
import dev.conversationworker.support.PromptText;
import dev.conversationworker.support.SafeTruncation;

/**
 * Renders a conversation as numbered lines ({@code 1. [USER]: …}) within a character budget. The most recent
 * messages are kept; when older ones are left out a first line says how many. Customer text loses its line
 * breaks, control and format characters ({@link PromptText}), so {@code \n} appears only between lines. Pure CPU
 * work: it runs on the bounded worker pool, never on an event loop.
 */
public final class ConversationFormatter {

    private final int maxChars;
    private final int maxMessageChars;

    public ConversationFormatter(int maxChars, int maxMessageChars) {
        if (maxChars < 80) {
            throw new IllegalArgumentException("formatting.max-chars must be at least 80, got " + maxChars);
        }
        this.maxChars = maxChars;
        this.maxMessageChars = Math.max(1, maxMessageChars);
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
            int reserve = omittedIfStopHere > 0 ? omittedNotice(omittedIfStopHere).length() + 1 : 0;
            int needed = line.length() + (kept.isEmpty() ? 0 : 1);
            if (used + needed + reserve > maxChars) {
                if (kept.isEmpty()) {
                    // Even the last message alone is over budget: keep as much of it as fits.
                    int room = maxChars - (i > 0 ? omittedNotice(i).length() + 1 : 0);
                    kept.addFirst(SafeTruncation.withEllipsis(line, room));
                    cut = true;
                    i--;
                }
                return result(kept, total, i + 1, true);
            }
            kept.addFirst(line);
            used += needed;
        }
        return result(kept, total, skipped, cut);
    }

    private static FormattedConversation result(Deque<String> kept, int total, int omitted, boolean truncated) {
        StringBuilder text = new StringBuilder();
        if (omitted > 0) {
            text.append(omittedNotice(omitted));
        }
        for (String line : kept) {
            if (!text.isEmpty()) {
                text.append('\n');
            }
            text.append(line);
        }
        return new FormattedConversation(text.toString(), total, kept.size(), truncated);
    }

    private static String line(int number, HistoryEntry entry) {
        // One line per message, without invisible characters: see PromptText.
        String text = PromptText.inline(entry.text());
        return number + ". [" + entry.role().toUpperCase(Locale.ROOT) + "]: " + text;
    }

    private static String omittedNotice(int omitted) {
        return "[" + omitted + " earlier message" + (omitted == 1 ? "" : "s") + " omitted]";
    }
}
