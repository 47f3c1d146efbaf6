package dev.conversationworker.history;

/** One message as the history keeps it; {@code role} is the wire name (user, assistant, agent, system). */
public record HistoryEntry(String eventId, String role, String text, String timestamp) {
}
