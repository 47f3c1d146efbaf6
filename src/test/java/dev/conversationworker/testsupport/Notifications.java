package dev.conversationworker.testsupport;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Notification records as the worker publishes them (a Google Chat body threaded per conversation, headers
 * {@code severity}, {@code kind}, {@code dedupe-key}), and what a created Chat message covers.
 */
public final class Notifications {

    public static final String DIGEST_THREAD = "conversation-worker-digests";

    private Notifications() {
    }

    public static String body(String conversationId, String severity, String summary) {
        JsonObject card = new JsonObject().put("header", new JsonObject().put("title", severity.toUpperCase()
                + ": conversation needs attention").put("subtitle", "Conversation " + conversationId))
                .put("sections", new JsonArray().add(new JsonObject().put("widgets", new JsonArray()
                        .add(new JsonObject().put("decoratedText", new JsonObject().put("topLabel", "Severity")
                                .put("text", severity)))
                        .add(new JsonObject().put("textParagraph", new JsonObject().put("text", summary))))));
        return new JsonObject()
                .put("text", "🔴 *" + severity.toUpperCase() + "*: conversation " + conversationId
                        + " needs attention\nIntent: account access · Sentiment: negative\nSummary: " + summary)
                .put("cardsV2", new JsonArray().add(new JsonObject().put("cardId", "attention-" + conversationId)
                        .put("card", card)))
                .put("thread", new JsonObject().put("threadKey", "conversation-" + conversationId)).encode();
    }

    public static List<Header> headers(String severity, String kind, String dedupeKey) {
        return List.of(header("severity", severity), header("kind", kind), header("dedupe-key", dedupeKey));
    }

    private static Header header(String name, String value) {
        return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
    }

    /** The conversation ids a created message covers: its own, or each line of a digest. */
    public static List<String> covered(GoogleChatSimulator.Created message) {
        List<String> ids = new ArrayList<>();
        if (DIGEST_THREAD.equals(message.threadKey())) {
            message.body().getString("text").lines().filter(l -> l.startsWith("• "))
                    .forEach(l -> ids.add(l.substring(l.lastIndexOf(' ') + 1)));
        } else if (message.threadKey() != null && message.threadKey().startsWith("conversation-")) {
            ids.add(message.threadKey().substring("conversation-".length()));
        }
        return ids;
    }
}
