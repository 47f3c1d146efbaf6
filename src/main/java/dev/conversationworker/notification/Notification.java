package dev.conversationworker.notification;

/**
 * A message for on-call engineers: the Google Chat body and the headers of its record.
 *
 * @param kind {@code attention} (a conversation needs a human) or {@code operational} (the worker is in trouble)
 * @param dedupeKey equal for the same cause, so a bridge to Chat can drop repeats
 * @param body a Google Chat message that could be POSTed to an incoming webhook as it is
 */
public record Notification(String conversationId, String kind, String severity, String dedupeKey, String body) {
}
