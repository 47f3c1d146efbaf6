package dev.conversationworker.model;

/**
 * A CDI event: the fleet's LLM token budget ({@code llm.budget.tokens-per-hour}) was found spent, or free again,
 * by this instance first of all the fleet (so exactly one instance tells on-call of each turn).
 *
 * @param spent true when spent, false when free again
 * @param remaining tokens left in the window when it turned
 * @param whenSpent what analyses get while it is spent: {@code offline}, {@code wait} or {@code triage}
 */
public record LlmBudgetTurned(boolean spent, long tokensPerHour, long remaining, String whenSpent) {
}
