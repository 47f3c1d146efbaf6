package dev.conversationworker.model;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A conversation rendered for the LLM.
 *
 * @param text the numbered lines, within the budgets in characters and in tokens ({@code formatting.*})
 * @param messageCount messages in the stored history
 * @param includedCount messages that made it into {@code text} (the most recent ones)
 * @param truncated whether anything was left out or cut
 * @param pseudonymisation what was done to its personal data; null when no text of it was analysed (and in what an
 *        older version wrote)
 * @param originals placeholder to original value, kept only when {@code pseudonymise.restore-in-analysis} is on
 *        (so a waiting analysis can restore them too); empty otherwise
 */
public record FormattedConversation(String text, int messageCount, int includedCount, boolean truncated,
        @JsonInclude(JsonInclude.Include.NON_NULL) Pseudonymisation pseudonymisation,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> originals) {

    public FormattedConversation {
        originals = originals == null ? Map.of() : originals;
    }

    public FormattedConversation(String text, int messageCount, int includedCount, boolean truncated) {
        this(text, messageCount, includedCount, truncated, null, Map.of());
    }

    public FormattedConversation withPseudonymisation(Pseudonymisation done, Map<String, String> originalValues) {
        return new FormattedConversation(text, messageCount, includedCount, truncated, done, originalValues);
    }
}
