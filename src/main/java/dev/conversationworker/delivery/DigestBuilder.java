package dev.conversationworker.delivery;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Merges waiting notifications into one digest message: a card with one line per conversation (severity,
 * conversation id, one-line summary), most severe first, and a text naming every conversation id it covers. Takes
 * as many as fit Google's limits (text ≤ 4,096 characters, message ≤ 32,000 bytes, ≤ 100 widgets per card); the
 * rest wait for the next digest. Pure.
 */
final class DigestBuilder {

    static final int MAX_TEXT_CHARS = 4096;
    static final int MAX_MESSAGE_BYTES = 32_000;
    static final int MAX_WIDGETS = 100;
    static final String THREAD_KEY = "conversation-worker-digests";
    private static final int SUMMARY_CHARS = 160;
    private static final int ID_CHARS = 100;
    private static final ObjectMapper JSON = new ObjectMapper();

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
        List<Pending> lines = groups.stream().limit(MAX_WIDGETS).map(group -> group.get(0)).toList();
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
        if (lines.size() > MAX_WIDGETS) {
            return null;
        }
        StringBuilder text = new StringBuilder("📋 *Digest: ").append(lines.size())
                .append(lines.size() == 1 ? " notification" : " notifications")
                .append("* held back to keep this space within Google Chat's pace, most severe first:");
        ObjectNode card = JSON.createObjectNode();
        card.putObject("header").put("title", "Digest of " + lines.size() + " notifications")
                .put("subtitle", "Most severe first; each conversation keeps its own thread for later messages");
        ArrayNode widgets = card.putArray("sections").addObject().putArray("widgets");
        for (Pending line : lines) {
            String severity = line.severity().wireName().toUpperCase(Locale.ROOT);
            String id = safeId(line.conversationId());
            text.append("\n• ").append(severity).append(" ").append(id);
            widgets.addObject().putObject("decoratedText")
                    .put("topLabel",
                            severity + " · " + ("operational".equals(line.kind()) ? "worker " : "conversation ")
                                    + id)
                    .put("text", escapeHtml(summary(line.body())));
        }
        if (text.length() > MAX_TEXT_CHARS) {
            return null;
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("text", text.toString());
        body.putArray("cardsV2").addObject().put("cardId", "digest").set("card", card);
        body.putObject("thread").put("threadKey", THREAD_KEY);
        String json = body.toString();
        return json.getBytes(StandardCharsets.UTF_8).length > MAX_MESSAGE_BYTES ? null : json;
    }

    /**
     * A one-line summary of a notification: its {@code Summary:} line, or else the first line of its text, without
     * Chat markup and cut short.
     */
    static String summary(String body) {
        String text;
        try {
            JsonNode node = JSON.readTree(body);
            text = node.path("text").asText("");
        } catch (Exception e) {
            text = "";
        }
        String line = text.lines().filter(l -> l.startsWith("Summary: ")).map(l -> l.substring(9)).findFirst()
                .orElse(text.lines().findFirst().orElse("(no text)"));
        String plain = line.replaceAll("[*_~`<>]", "").strip();
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

    private static String escapeHtml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
