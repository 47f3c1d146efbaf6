package dev.conversationworker.model;

/** A CDI event: a record was written to the dead-letter topic, for this reason. */
public record DeadLettered(String reason) {
}
