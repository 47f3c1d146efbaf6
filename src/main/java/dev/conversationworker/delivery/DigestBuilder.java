package dev.conversationworker.delivery;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.conversationworker.googlechat.ChatCard;
import dev.conversationworker.googlechat.ChatMessage;
import dev.conversationworker.googlechat.GoogleChat;

/**
 * Merges waiting notifications into one digest message: a card with one line per conversation (severity,
 * conversation id, one-line summary), most severe first, and a text naming every conversation id it covers. Takes
 * as many as fit {@link GoogleChat}'s limits (text, message size, widgets per card); the rest wait for the next
 * digest. Pure.
 */
final class DigestBuilder {

    static final String THREAD_KEY = "conversation-worker-digests";
    private static final int SUMMARY_CHARS = 160;
    private static final int ID_CHARS = 100;

    /** One digest: the records it covers (one per dedupe-key), and its body. */
    record Digest(List<Pending> covered, String body, String requestId) {
    }

    /**
     * @param candidates most severe first; records with equal dedupe-keys are covered together
     * @return a digest of the first candidates that fit (at least one)
     */
    static Digest build(List<Pending> candidates) {
        Map<String, List<Pending>> byKey = new LinkedHashMap<>();
        candidates.forEach(p -> byKey.computeIfAbsent(p.dedupeKey(), k -> new ArrayList<>()).add(p));
        List<List<Pending>> groups = new ArrayList<>(byKey.values());
        List<Pending> lines = groups.stream().limit(GoogleChat.MAX_WIDGETS_PER_CARD).map(group -> group.get(0))
                .toList();
        // The size grows with the lines: a binary search for the most that fit builds about 7 bodies, not 100.
        int fit = 0;
        String body = null;
        for (int low = 1, high = lines.size(); low <= high;) {
            int middle = (low + high) >>> 1;
            String attempt = body(lines.subList(0, middle));
            if (attempt == null) {
                high = middle - 1;
            } else {
                fit = middle;
                body = attempt;
                low = middle + 1;
            }
        }
        if (body == null) {
            throw new IllegalStateException("not even one notification fits a digest");
        }
        List<Pending> taken = new ArrayList<>();
        groups.subList(0, fit).forEach(taken::addAll);
        return new Digest(taken, body, RequestIds.ofDigest(lines.subList(0, fit).stream().map(Pending::dedupeKey)
                .toList()));
    }

    /** The digest of these lines, or {@code null} when it would exceed a limit. */
    static String body(List<Pending> lines) {
        if (lines.size() > GoogleChat.MAX_WIDGETS_PER_CARD) {
            return null;
        }
        StringBuilder text = new StringBuilder("📋 *Digest: ").append(lines.size())
                .append(lines.size() == 1 ? " notification" : " notifications")
                .append("* held back to keep this space within Google Chat's pace, most severe first:");
        ChatCard card = new ChatCard("Digest of " + lines.size() + " notifications",
                "Most severe first; each conversation keeps its own thread for later messages");
        ChatCard.Section widgets = card.section();
        for (Pending line : lines) {
            String severity = line.severity().wireName().toUpperCase(Locale.ROOT);
            String id = safeId(line.conversationId());
            text.append("\n• ").append(severity).append(" ").append(id);
            widgets.decoratedText(severity + " · " + ("operational".equals(line.kind()) ? "worker " : "conversation ")
                    + id, GoogleChat.escapeHtml(summary(line.body())));
        }
        ChatMessage message = new ChatMessage(text.toString(), "digest", card, THREAD_KEY);
        return message.fits() ? message.json() : null;
    }

    /**
     * A one-line summary of a notification: its {@code Summary:} line, or else the first line of its text, without
     * Chat markup and cut short.
     */
    static String summary(String body) {
        String text = GoogleChat.textOf(body);
        String line = text.lines().filter(l -> l.startsWith("Summary: ")).map(l -> l.substring(9)).findFirst()
                .orElse(text.lines().findFirst().orElse("(no text)"));
        String plain = GoogleChat.withoutMarkup(line).strip();
        return plain.length() <= SUMMARY_CHARS ? plain : plain.substring(0, SUMMARY_CHARS - 1) + "…";
    }

    /**
     * A conversation id as shown in Chat: letters, digits, {@code -} and {@code _} kept; {@code . : / @} replaced by
     * look-alikes (․ ∶ ∕ ＠), so that an id such as {@code https://x.example/a} or {@code team@x.example} becomes no
     * link, mention or address in the on-call space; anything else {@code ?}. The same text in the card and in the
     * message's text.
     */
    static String safeId(String conversationId) {
        if (conversationId == null) {
            return "(none)";
        }
        StringBuilder out = new StringBuilder();
        conversationId.codePoints().limit(ID_CHARS).forEach(c -> out.appendCodePoint(switch (c) {
            case '.' -> '\u2024';
            case ':' -> '\u2236';
            case '/' -> '\u2215';
            case '@' -> '\uFF20';
            default -> Character.isLetterOrDigit(c) || c == '-' || c == '_' ? c : '?';
        }));
        return conversationId.codePointCount(0, conversationId.length()) > ID_CHARS ? out + "…" : out.toString();
    }
}
