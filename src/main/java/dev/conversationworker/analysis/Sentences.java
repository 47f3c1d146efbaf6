package dev.conversationworker.analysis;

import java.util.ArrayList;
import java.util.List;

/**
 * Sentence splitting for the offline analyzer, by hand-written scans: customer text is up to 4,000 characters a
 * message and 200 messages a conversation, and a backtracking regex ({@code [.!]+$} on a long run of dots that is
 * not at the end, say) turns that into seconds of CPU per analysis. Every method here is one pass, linear in the
 * text.
 */
final class Sentences {

    private Sentences() {
    }

    /**
     * Splits where the old {@code (?<=[.!?…。])\s+|\R} did: at a run of ASCII whitespace that follows sentence-ending
     * punctuation, and at every line break. Empty pieces are dropped.
     */
    static List<String> split(String text) {
        List<String> sentences = new ArrayList<>();
        int start = 0;
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (isLineBreak(c)) {
                add(sentences, text, start, i);
                i++;
                start = i;
            } else if (isAsciiWhitespace(c) && i > 0 && isSentenceEnd(text.charAt(i - 1))) {
                add(sentences, text, start, i);
                while (i < n && isAsciiWhitespace(text.charAt(i)) && !isLineBreak(text.charAt(i))) {
                    i++;
                }
                start = i;
            } else {
                i++;
            }
        }
        add(sentences, text, start, n);
        return sentences;
    }

    /** {@code text} without its trailing run of {@code .} and {@code !}: one backwards scan. */
    static String withoutTrailingFullStops(String text) {
        int end = text.length();
        while (end > 0 && (text.charAt(end - 1) == '.' || text.charAt(end - 1) == '!')) {
            end--;
        }
        return text.substring(0, end);
    }

    private static void add(List<String> sentences, String text, int from, int to) {
        if (to > from) {
            sentences.add(text.substring(from, to));
        }
    }

    private static boolean isSentenceEnd(char c) {
        return c == '.' || c == '!' || c == '?' || c == '…' || c == '。';
    }

    /** {@code \s} of {@link java.util.regex.Pattern} without flags. */
    private static boolean isAsciiWhitespace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
    }

    /** The single characters of {@code \R} ({@code \r\n} is two breaks with nothing between, so it splits once). */
    private static boolean isLineBreak(char c) {
        return c == '\n' || c == '\r' || c == '\u000B' || c == '\f' || c == '\u0085' || c == '\u2028'
                || c == '\u2029';
    }
}
