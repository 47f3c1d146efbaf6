package dev.conversationworker.pseudonymise;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One conversation's table of replaced values: the same value gets the same placeholder in every message of the
 * conversation, so a model can still tell "the same phone number again" from "a second phone number". Values are
 * compared in a canonical form (a phone number in E.164, an e-mail address in lower case), so {@code +84 912 345 678}
 * and {@code 0912 345 678} share one placeholder. Not thread-safe: one per analysis.
 */
public final class Pseudonyms {

    private static final Pattern PLACEHOLDER = Pattern.compile("<([A-Z_]+)_([1-9][0-9]{0,8})>");

    /**
     * One replaced value: its placeholder, kind, canonical form (what makes two writings one value) and the value as
     * first written (what restoring puts back).
     */
    public record Entry(String placeholder, PiiKind kind, String canonicalValue, String original) {
    }

    private final Map<PiiKind, Map<String, String>> placeholderByCanonical = new EnumMap<>(PiiKind.class);
    private final Map<String, String> originalByPlaceholder = new HashMap<>();
    private final List<Entry> entries = new ArrayList<>();
    private final List<String> names = new ArrayList<>();

    public Pseudonyms() {
    }

    /**
     * The placeholder of a value, e.g. {@code <EMAIL_1>}: the same (kind, canonical value) gets the same placeholder;
     * placeholders are numbered per kind in order of first appearance.
     */
    public String placeholder(PiiKind kind, String canonicalValue) {
        return placeholder(kind, canonicalValue, canonicalValue);
    }

    /** As {@link #placeholder(PiiKind, String)}, remembering the value as written the first time, for restore. */
    String placeholder(PiiKind kind, String canonicalValue, String original) {
        Map<String, String> ofKind = placeholderByCanonical.computeIfAbsent(kind, k -> new LinkedHashMap<>());
        String existing = ofKind.get(canonicalValue);
        if (existing != null) {
            return existing;
        }
        String placeholder = "<" + kind.label() + "_" + (ofKind.size() + 1) + ">";
        ofKind.put(canonicalValue, placeholder);
        originalByPlaceholder.put(placeholder, original);
        entries.add(new Entry(placeholder, kind, canonicalValue, original));
        if (kind == PiiKind.NAME) {
            names.add(original);
        }
        return placeholder;
    }

    /** Distinct values replaced, per kind (only kinds with at least one), in {@link PiiKind} order. */
    public Map<PiiKind, Integer> replacedByKind() {
        Map<PiiKind, Integer> counts = new EnumMap<>(PiiKind.class);
        placeholderByCanonical.forEach((kind, values) -> counts.put(kind, values.size()));
        return Collections.unmodifiableMap(counts);
    }

    public boolean isEmpty() {
        return originalByPlaceholder.isEmpty();
    }

    /** Every value replaced, in order of first appearance. */
    public List<Entry> entries() {
        return List.copyOf(entries);
    }

    /**
     * The placeholders of this table in {@code text} back to their original values (as first written); anything else,
     * including placeholders this table never gave out and neutralised look-alikes ({@code ‹EMAIL_1›}), is untouched.
     */
    public String restore(String text) {
        return restore(text, originalByPlaceholder);
    }

    /**
     * Each placeholder in {@code text} that {@code replacements} names, replaced in one pass (so a renumbering that
     * swaps {@code <EMAIL_1>} and {@code <EMAIL_2>} is safe); anything else untouched. What restoring a published
     * analysis and renumbering a conversation's placeholders both are.
     */
    public static String restore(String text, Map<String, String> replacements) {
        if (text == null || replacements.isEmpty()) {
            return text;
        }
        Matcher matcher = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        while (matcher.find()) {
            String replacement = replacements.get(matcher.group());
            matcher.appendReplacement(out,
                    Matcher.quoteReplacement(replacement == null ? matcher.group() : replacement));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    /** The names replaced so far, as first written: a later mention of one is replaced even without a cue. */
    List<String> names() {
        return names;
    }
}
