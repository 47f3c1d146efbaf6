package dev.conversationworker.support;

/**
 * Customer text made safe to place in a prompt: no control characters (Unicode category Cc) or format characters
 * (Cf: zero-width joiners and spaces, bidi overrides, the BOM, soft hyphens, tag characters), and no line or
 * paragraph separators. Invisible characters let a customer write text that looks like the prompt's markers or
 * instructions to a model but not to a filter ({@code </conv\u200Dersation>}), or reorder what a reviewer sees.
 *
 * <p>
 * The price: the zero-width joiner (U+200D, Cf) also glues emoji sequences together, so a family emoji becomes
 * its members side by side; the meaning survives, which is all an analysis needs. Whole code points are kept or
 * dropped, so a surrogate pair is never split. One pass, linear in the text.
 */
public final class PromptText {

    private PromptText() {
    }

    /**
     * One line: line breaks, tabs and the line/paragraph separators become a single space per run, other control and
     * format characters are removed, and the result is stripped.
     */
    public static String inline(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length());
        boolean lastWasBreak = false;
        for (int i = 0; i < text.length();) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (isBreakLike(c)) {
                if (!lastWasBreak) {
                    out.append(' ');
                }
                lastWasBreak = true;
            } else if (!isInvisibleControl(c)) {
                out.appendCodePoint(c);
                lastWasBreak = false;
            }
        }
        return out.toString().strip();
    }

    /**
     * As {@link #inline}, but {@code \n} stays (the formatter's separator between lines): for text that is already
     * formatted, e.g. read back from Redis after an older version wrote it.
     */
    public static String keepingNewlines(String text) {
        StringBuilder out = new StringBuilder(text.length());
        int from = 0;
        while (true) {
            int newline = text.indexOf('\n', from);
            out.append(inline(text.substring(from, newline < 0 ? text.length() : newline)));
            if (newline < 0) {
                return out.toString();
            }
            out.append('\n');
            from = newline + 1;
        }
    }

    private static boolean isBreakLike(int c) {
        return c == '\n' || c == '\r' || c == '\t' || c == 0x0B || c == '\f' || c == 0x85 || c == 0x2028
                || c == 0x2029;
    }

    private static boolean isInvisibleControl(int c) {
        int type = Character.getType(c);
        return type == Character.CONTROL || type == Character.FORMAT;
    }
}
