package dev.conversationworker.notification;

import dev.conversationworker.googlechat.GoogleChat;
import dev.conversationworker.support.SafeTruncation;

/**
 * Makes customer-provided text inert inside a Google Chat message: no mention ({@code <users/all>}), no link
 * ({@code <url|label>} or a bare URL that Chat would turn into one), no formatting, no HTML in cards, no control
 * characters, and a length cap. The text stays readable: syntax is replaced by look-alike characters, not removed.
 */
public final class TextNeutralizer {

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

    /**
     * Two passes by hand, both linear: customer text can be long, and the regexes this replaced (a scheme pattern
     * {@code \b[a-z][a-z0-9+.-]*:/+} on {@code a.a.a.a…}) backtracked quadratically.
     */
    static String defuse(String text) {
        if (text == null) {
            return "";
        }
        String s = withoutControlsOneSpaced(text);
        StringBuilder out = new StringBuilder(s.length() + 16);
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == ':' && i + 1 < s.length() && s.charAt(i + 1) == '/') {
                // Any "x://" or "x:/" reads as a link to Chat: "x[:]//" does not (also for schemes we do not know).
                out.append("[:]//");
                i++;
                while (i < s.length() && s.charAt(i) == '/') {
                    i++;
                }
                continue;
            }
            if ((c == 'w' || c == 'W') && (i == 0 || !isWordChar(s.charAt(i - 1)))
                    && s.regionMatches(true, i, "www.", 0, 4)) {
                out.append("www[.]");
                i += 4;
                continue;
            }
            out.append(switch (c) {
                case '<' -> '‹';
                case '>' -> '›';
                case '*' -> '∗';
                case '_' -> 'ˍ';
                case '~' -> '∼';
                case '`' -> 'ˋ';
                case '@' -> '＠';
                default -> c;
            });
            i++;
        }
        return out.toString();
    }

    /** Control and format characters removed; runs of whitespace and line separators one space; stripped. */
    private static String withoutControlsOneSpaced(String text) {
        StringBuilder out = new StringBuilder(text.length());
        boolean pendingSpace = false;
        for (int i = 0; i < text.length();) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r' || c == 0x2028
                    || c == 0x2029) {
                pendingSpace = !out.isEmpty();
                continue;
            }
            int type = Character.getType(c);
            if (type == Character.CONTROL || type == Character.FORMAT) {
                continue;
            }
            if (pendingSpace) {
                out.append(' ');
                pendingSpace = false;
            }
            out.appendCodePoint(c);
        }
        return out.toString();
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    /** Text made inert by {@link #forText}, for a card ({@link GoogleChat#escapeHtml}). */
    static String escapeHtml(String s) {
        return GoogleChat.escapeHtml(s);
    }
}
