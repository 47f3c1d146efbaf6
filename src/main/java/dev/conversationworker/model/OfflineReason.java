package dev.conversationworker.model;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Why no LLM was asked although one is configured, on the analysis as {@code offlineReason}: usually the offline
 * analyzer answered instead, and consumers can tell a budget's choice from an analysis no LLM was configured for.
 */
public enum OfflineReason {

    /**
     * The fleet's LLM budget had no room for the call: the offline analyzer answered ({@code when-spent} offline or
     * triage), or, waiting for budget ({@code wait}), it failed when waiting was off ({@code analysis.max-wait=0}).
     */
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
