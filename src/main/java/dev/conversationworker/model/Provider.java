package dev.conversationworker.model;

import com.fasterxml.jackson.annotation.JsonValue;

/** {@code provider} of an analysis: who answered it; also the name of an LLM endpoint in metrics and spans. */
public enum Provider {

    PRIMARY("primary"), FALLBACK("fallback"), OFFLINE("offline"),
    /** Nobody: the analysis failed, or the conversation had no messages. */
    NONE("none");

    private final String wireName;

    Provider(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** What an analysis answered by this provider is: only the primary's answer is {@code ok}. */
    public AnalysisStatus statusOfAnswer() {
        return this == PRIMARY ? AnalysisStatus.OK : AnalysisStatus.DEGRADED;
    }
}
