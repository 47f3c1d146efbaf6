package dev.conversationworker.pipeline;

import java.util.List;

import dev.conversationworker.formatting.ConversationFormatter;
import dev.conversationworker.history.HistoryCodec;
import dev.conversationworker.history.HistoryWindow;
import dev.conversationworker.model.FormattedConversation;
import dev.conversationworker.model.HistoryEntry;

/**
 * A stored history decoded and rendered for the LLM: the CPU part of an analysis.
 *
 * @param unreadable stored entries that could not be decoded (damaged, or written by hand), left out
 * @param unplaced entries stored without a partition and offset, which every trigger reads
 */
record DecodedConversation(List<HistoryEntry> entries, FormattedConversation formatted, int unreadable,
        int unplaced) {

    static DecodedConversation of(HistoryWindow window, ConversationFormatter formatter) {
        HistoryCodec.Decoded decoded = HistoryCodec.decode(window.entries());
        // Lines are numbered in the whole conversation, less the entries that could not be read.
        int total = Math.max(decoded.entries().size(), window.messageCount() - decoded.unreadable());
        return new DecodedConversation(decoded.entries(), formatter.format(decoded.entries(), total),
                decoded.unreadable(), Math.max(0, window.unplaced() - decoded.unreadable()));
    }

    /** The same conversation with its entries and rendering replaced (pseudonymised, or withheld). */
    DecodedConversation with(List<HistoryEntry> newEntries, FormattedConversation newFormatted) {
        return new DecodedConversation(newEntries, newFormatted, unreadable, unplaced);
    }

    /** Its text could not be pseudonymised: only the offline analyzer may see it, and must not quote it. */
    boolean withheld() {
        return formatted.pseudonymisation() != null && formatted.pseudonymisation().failed();
    }
}
