package dev.conversationworker.model;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Why the offline analyzer answered although an LLM is configured, on the analysis as {@code offlineReason}: so
 * consumers can tell a budget's choice from an analysis no LLM was configured for.
 */
public enum OfflineReason {

    /** The fleet's LLM budget had no room for the call ({@code llm.budget.when-spent=offline}, or triage). */
    BUDGET_SPENT("budget-spent"),
    /** Triage ({@code llm.budget.when-spent=triage}) did not find it serious enough for the LLM. */
    TRIAGE("triage");

    private final String wireName;

    OfflineReason(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }
}
