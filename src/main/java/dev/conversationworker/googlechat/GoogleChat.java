package dev.conversationworker.googlechat;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What the worker knows of Google Chat's incoming-webhook messages besides their shape ({@link ChatMessage},
 * {@link ChatCard}): the limits a message must keep (a larger one is answered 400 and never created), how text is
 * marked up, and how card text is escaped.
 */
public final class GoogleChat {

    /** The {@code text} of a message: longer ones are rejected in practice. */
    public static final int MAX_TEXT_CHARS = 4096;
    /** A whole message's JSON, in UTF-8 bytes. */
    public static final int MAX_MESSAGE_BYTES = 32_000;
    /** Widgets in one card. */
    public static final int MAX_WIDGETS_PER_CARD = 100;

    static final ObjectMapper JSON = new ObjectMapper();

    private GoogleChat() {
    }

    /**
     * Text for a card widget, whose text is a small HTML subset: {@code & < > " '} escaped (Chat shows them as
     * written).
     */
    public static String escapeHtml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&#39;");
    }

    /** Text without Chat's markup characters ({@code *bold*}, {@code _italic_}, {@code ~strike~}, code, {@code <…>}). */
    public static String withoutMarkup(String text) {
        return text.replaceAll("[*_~`<>]", "");
    }

    /** The {@code text} of a message's JSON body; "" when it has none or is not JSON. */
    public static String textOf(String messageJson) {
        try {
            return JSON.readTree(messageJson).path("text").asText("");
        } catch (Exception unreadable) {
            return "";
        }
    }
}
