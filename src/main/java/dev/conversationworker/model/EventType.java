package dev.conversationworker.model;

import java.util.Arrays;
import java.util.Optional;

public enum EventType {

    MESSAGE("message"), CONVERSATION_CLOSED("conversation.closed"), ANALYSIS_REQUESTED("analysis.requested");

    private final String wireName;

    EventType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public boolean triggersAnalysis() {
        return this != MESSAGE;
    }

    public static Optional<EventType> fromWire(String name) {
        return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
    }
}
