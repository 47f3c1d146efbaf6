package dev.conversationworker.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

public enum Role {

    USER, ASSISTANT, AGENT, SYSTEM;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Role> fromWire(String name) {
        return Arrays.stream(values()).filter(r -> r.wireName().equals(name)).findFirst();
    }
}
