package dev.conversationworker.googlechat;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The JSON body of a message to a Google Chat webhook: its {@code text} (the fallback every client shows), one card,
 * and the thread it goes in ({@code thread.threadKey}, honoured with {@code messageReplyOption}).
 */
public final class ChatMessage {

    private final ObjectNode body;

    public ChatMessage(String text, String cardId, ChatCard card, String threadKey) {
        body = GoogleChat.JSON.createObjectNode();
        body.put("text", text);
        body.putArray("cardsV2").addObject().put("cardId", cardId).set("card", card.json());
        body.putObject("thread").put("threadKey", threadKey);
    }

    private ChatMessage(ObjectNode body) {
        this.body = body;
    }

    /** The same message, text and thread only. */
    public ChatMessage withoutCard() {
        ObjectNode textOnly = body.deepCopy();
        textOnly.remove("cardsV2");
        return new ChatMessage(textOnly);
    }

    public String json() {
        return body.toString();
    }

    /** Whether Google would take it: text and whole message within {@link GoogleChat}'s limits. */
    public boolean fits() {
        return body.path("text").asText("").length() <= GoogleChat.MAX_TEXT_CHARS
                && json().getBytes(StandardCharsets.UTF_8).length <= GoogleChat.MAX_MESSAGE_BYTES;
    }
}
