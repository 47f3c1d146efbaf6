package dev.conversationworker.support;

/**
 * Text from a record (a reason that quotes a field, say) made safe for one log line: CR, LF and other control
 * characters escaped, so a producer cannot forge log lines, and the length capped.
 */
public final class LogSafe {

    private static final int MAX_CHARS = 500;

    private LogSafe() {
    }

    public static String oneLine(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_CHARS) + 16);
        for (int i = 0; i < text.length() && out.length() < MAX_CHARS; i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        if (out.length() >= MAX_CHARS && text.length() > MAX_CHARS) {
            out.append('…');
        }
        return out.toString();
    }
}
