package dev.conversationworker.model;

import com.fasterxml.jackson.annotation.JsonValue;

/** {@code status} of an analysis: who answered decides it (see {@link Provider}). */
public enum AnalysisStatus {

    /** The primary LLM answered (or there was nothing to analyse). */
    OK("ok"),
    /** The fallback LLM or the offline analyzer answered. */
    DEGRADED("degraded"),
    /** No usable answer; {@code error} says why. */
    FAILED("failed");

    private final String wireName;

    AnalysisStatus(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }
}
