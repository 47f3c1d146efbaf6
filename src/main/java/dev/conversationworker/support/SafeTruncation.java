package dev.conversationworker.support;

/** Cuts text to a length without ever splitting a surrogate pair (an emoji, say) in two. */
public final class SafeTruncation {

    private SafeTruncation() {
    }

    /** The longest prefix of {@code text} of at most {@code maxChars} UTF-16 units that ends on a whole character. */
    public static String prefix(String text, int maxChars) {
        if (text.length() <= maxChars) {
            return text;
        }
        int end = Math.max(0, maxChars);
        if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end);
    }

    /** {@link #prefix} followed by an ellipsis when something was cut; the result is at most {@code maxChars}. */
    public static String withEllipsis(String text, int maxChars) {
        if (text.length() <= maxChars) {
            return text;
        }
        return prefix(text, maxChars - 1) + "…";
    }
}
