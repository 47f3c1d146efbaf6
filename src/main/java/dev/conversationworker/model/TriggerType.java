package dev.conversationworker.model;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * {@code trigger} of an analysis: an input event that asks for one, or a trigger the worker derives from the
 * messages. A derived trigger names a message, so its type is part of the analysis id (see
 * {@link AnalysisRecord#analysisId(String, String, TriggerType)}).
 */
public enum TriggerType {

    CONVERSATION_CLOSED("conversation.closed", false), ANALYSIS_REQUESTED("analysis.requested",
            false), CONVERSATION_IDLE("conversation.idle", true), CONVERSATION_PROGRESS("conversation.progress", true);

    private final String wireName;
    private final boolean derived;

    TriggerType(String wireName, boolean derived) {
        this.wireName = wireName;
        this.derived = derived;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** Derived from the messages (idle, progress) rather than sent as an event. */
    public boolean derived() {
        return derived;
    }

    /** The trigger an input event is; {@code message} is none. */
    public static TriggerType of(EventType event) {
        return switch (event) {
            case CONVERSATION_CLOSED -> CONVERSATION_CLOSED;
            case ANALYSIS_REQUESTED -> ANALYSIS_REQUESTED;
            case MESSAGE -> throw new IllegalArgumentException("a message is not a trigger");
        };
    }
}
