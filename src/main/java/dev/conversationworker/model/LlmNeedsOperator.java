package dev.conversationworker.model;

/** A CDI event: an LLM endpoint refuses to work until someone acts (rejected API key, exhausted quota). */
public record LlmNeedsOperator(String endpoint, String model, String reason) {
}
