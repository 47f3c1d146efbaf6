package dev.conversationworker.formatting;

import java.util.List;

/**
 * Lines chosen for the LLM: the most recent messages, oldest first, after {@code omitted} older ones left out,
 * which a first line announces.
 *
 * @param truncated whether anything was left out or cut
 */
record RenderedLines(List<String> lines, int omitted, boolean truncated) {

    RenderedLines {
        lines = List.copyOf(lines);
    }

    String text() {
        StringBuilder text = new StringBuilder();
        if (omitted > 0) {
            text.append(omittedNotice(omitted));
        }
        for (String line : lines) {
            if (!text.isEmpty()) {
                text.append('\n');
            }
            text.append(line);
        }
        return text.toString();
    }

    /** The same without its oldest line, which the notice then counts. */
    RenderedLines withoutOldest() {
        return new RenderedLines(lines.subList(1, lines.size()), omitted + 1, true);
    }

    static String omittedNotice(int omitted) {
        return "[" + omitted + " earlier message" + (omitted == 1 ? "" : "s") + " omitted]";
    }
}
