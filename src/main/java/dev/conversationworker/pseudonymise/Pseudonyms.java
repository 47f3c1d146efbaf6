package dev.conversationworker.pseudonymise;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** STUB (replaced by the pii-core branch). */
public final class Pseudonyms {

    public record Entry(String placeholder, PiiKind kind, String canonicalValue, String original) {
    }

    private final java.util.List<Entry> entries = new java.util.ArrayList<>();
    private final Map<String, String> byValue = new LinkedHashMap<>();
    private final Map<String, String> originals = new LinkedHashMap<>();
    private final Map<PiiKind, Integer> counts = new EnumMap<>(PiiKind.class);

    public String placeholder(PiiKind kind, String canonicalValue) {
        return byValue.computeIfAbsent(kind + "|" + canonicalValue, k -> {
            int n = counts.merge(kind, 1, Integer::sum);
            String p = "<" + kind.label() + "_" + n + ">";
            originals.put(p, canonicalValue);
            entries.add(new Entry(p, kind, canonicalValue, canonicalValue));
            return p;
        });
    }

    public Map<PiiKind, Integer> replacedByKind() {
        return new EnumMap<>(counts);
    }

    public java.util.List<Entry> entries() {
        return java.util.List.copyOf(entries);
    }

    public boolean isEmpty() {
        return counts.isEmpty();
    }

    public Map<String, String> originals() {
        return Map.copyOf(originals);
    }

    public String restore(String text) {
        return restore(text, originals);
    }

    public static String restore(String text, Map<String, String> originals) {
        return java.util.regex.Pattern.compile("<[A-Z_]+_[0-9]+>").matcher(text)
                .replaceAll(
                        m -> java.util.regex.Matcher.quoteReplacement(originals.getOrDefault(m.group(), m.group())));
    }
}
