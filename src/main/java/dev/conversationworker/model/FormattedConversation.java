package dev.conversationworker.model;

/**
 * A conversation rendered for the LLM.
 *
 * @param text the numbered lines, at most the budget in characters
 * @param messageCount messages in the stored history
 * @param includedCount messages that made it into {@code text} (the most recent ones)
 * @param truncated whether anything was left out or cut
 */
public record FormattedConversation(String text, int messageCount, int includedCount, boolean truncated) {
}
