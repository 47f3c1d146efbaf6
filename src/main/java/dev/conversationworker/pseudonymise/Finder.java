package dev.conversationworker.pseudonymise;

import java.util.List;

/** Finds the values of one kind in a prompt-safe text. Implementations are stateless and thread-safe. */
interface Finder {

    /** Adds what it finds to {@code found}; overlaps with other kinds are settled by the caller. */
    void find(String text, List<Finding> found);
}
