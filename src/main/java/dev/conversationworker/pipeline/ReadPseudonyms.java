package dev.conversationworker.pipeline;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.conversationworker.model.FormattedConversation;
import dev.conversationworker.model.HistoryEntry;
import dev.conversationworker.pseudonymise.Pseudonyms;

/**
 * A conversation pseudonymised as it was read, its placeholders numbered in order of first appearance there, and
 * what it takes to give them the conversation's own numbers ({@link PseudonymiseStep}'s second part).
 *
 * @param values each placeholder given, in order of first appearance
 * @param fingerprints {@code <KIND>|<hash>} of each value, in the same order: what Redis keeps instead of values
 */
record ReadPseudonyms(DecodedConversation conversation, List<Pseudonyms.Entry> values, List<String> fingerprints) {

    /**
     * A value's fingerprint: SHA-256 of the conversation id, kind and canonical value, 16 bytes in hex. Scoped to the
     * conversation, so two conversations' tables cannot be joined on it.
     */
    static List<String> fingerprints(String conversationId, List<Pseudonyms.Entry> values) {
        List<String> fingerprints = new ArrayList<>(values.size());
        MessageDigest sha256 = sha256();
        for (Pseudonyms.Entry value : values) {
            sha256.update((conversationId.length() + ":" + conversationId + "\n" + value.kind().label() + "\n"
                    + value.canonicalValue()).getBytes(StandardCharsets.UTF_8));
            fingerprints.add(value.kind().label() + "|" + HexFormat.of().formatHex(sha256.digest(), 0, 16));
        }
        return fingerprints;
    }

    /**
     * The conversation with the numbers Redis gave: each placeholder of this read becomes its value's own, in one
     * pass over each text.
     *
     * @param numbers each value's number within its kind, in the order of {@link #values}
     * @param keepOriginals {@code pseudonymise.restore-in-analysis}: keep each original value under its placeholder
     */
    DecodedConversation renumbered(List<Integer> numbers, boolean keepOriginals) {
        Map<String, String> renumbering = new LinkedHashMap<>();
        for (int i = 0; i < values.size(); i++) {
            Pseudonyms.Entry value = values.get(i);
            renumbering.put(value.placeholder(), "<" + value.kind().label() + "_" + numbers.get(i) + ">");
        }
        List<HistoryEntry> entries = conversation.entries().stream()
                .map(e -> e.withText(Pseudonyms.restore(e.text(), renumbering), e.tokenised())).toList();
        FormattedConversation formatted = conversation.formatted();
        return conversation.with(entries, new FormattedConversation(Pseudonyms.restore(formatted.text(), renumbering),
                formatted.messageCount(), formatted.includedCount(), formatted.truncated(),
                formatted.pseudonymisation(), keepOriginals ? originals(values, renumbering) : Map.of()));
    }

    /** Each original value under its placeholder ({@code renumbering}'s, where it has one). */
    static Map<String, String> originals(List<Pseudonyms.Entry> values, Map<String, String> renumbering) {
        Map<String, String> originals = new LinkedHashMap<>();
        values.forEach(v -> originals.put(renumbering.getOrDefault(v.placeholder(), v.placeholder()), v.original()));
        return originals;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
