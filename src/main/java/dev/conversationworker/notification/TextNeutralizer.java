package dev.conversationworker.notification;

import java.util.regex.Pattern;

import dev.conversationworker.formatting.SafeTruncation;

/**
 * Makes customer-provided text inert inside a Google Chat message: no mention ({@code <users/all>}), no link
 * ({@code <url|label>} or a bare URL that Chat would turn into one), no formatting, no HTML in cards, no control
 * characters, and a length cap. The text stays readable: syntax is replaced by look-alike characters, not removed.
 */
public final class TextNeutralizer {

    private static final Pattern CONTROL = Pattern.compile("[\\p{Cc}\\p{Cf}&&[^\\n]]");
    private static final Pattern WHITESPACE_RUNS = Pattern.compile("\\s+");
    private static final Pattern SCHEME = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*):/+");
    private static final Pattern WWW = Pattern.compile("(?i)\\bwww\\.");

    private TextNeutralizer() {
    }

    /** For the plain {@code text} field: one line, inert, at most {@code maxChars}. */
    public static String forText(String customerText, int maxChars) {
        return SafeTruncation.withEllipsis(defuse(customerText), maxChars);
    }

    /** For card widgets, whose text is a small HTML subset: inert and HTML-escaped, at most {@code maxChars}. */
    public static String forCard(String customerText, int maxChars) {
        return escapeHtml(forText(customerText, maxChars));
    }

    static String defuse(String text) {
        if (text == null) {
            return "";
        }
        String s = CONTROL.matcher(text).replaceAll("");
        s = WHITESPACE_RUNS.matcher(s).replaceAll(" ").strip();
        s = SCHEME.matcher(s).replaceAll("$1[:]//");
        s = WWW.matcher(s).replaceAll("www[.]");
        StringBuilder out = new StringBuilder(s.length());
        s.codePoints().forEach(c -> out.appendCodePoint(switch (c) {
            case '<' -> '‹';
            case '>' -> '›';
            case '*' -> '∗';
            case '_' -> 'ˍ';
            case '~' -> '∼';
            case '`' -> 'ˋ';
            case '@' -> '＠';
            default -> c;
        }));
        return out.toString();
    }

    static String escapeHtml(String s) {
        return s.replace("&", "&amp;").replace("\"", "&quot;").replace("'", "&#39;");
    }
}
