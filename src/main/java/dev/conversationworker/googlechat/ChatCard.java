package dev.conversationworker.googlechat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A Google Chat card ({@code cardsV2[].card}): a header (title, subtitle) and sections of widgets. Widget text is
 * HTML: callers escape what is not theirs ({@link GoogleChat#escapeHtml}).
 */
public final class ChatCard {

    /** The widgets of one section. */
    public static final class Section {

        private final ArrayNode widgets;

        private Section(ArrayNode widgets) {
            this.widgets = widgets;
        }

        /** A label above a line of text. */
        public Section decoratedText(String topLabel, String text) {
            widgets.addObject().putObject("decoratedText").put("topLabel", topLabel).put("text", text);
            return this;
        }

        /** A paragraph of text. */
        public Section paragraph(String html) {
            widgets.addObject().putObject("textParagraph").put("text", html);
            return this;
        }
    }

    private final ObjectNode card = GoogleChat.JSON.createObjectNode();

    public ChatCard(String title, String subtitle) {
        card.putObject("header").put("title", title).put("subtitle", subtitle);
    }

    /** A new section without a header. */
    public Section section() {
        return new Section(card.withArray("sections").addObject().putArray("widgets"));
    }

    /** A new section under a header. */
    public Section section(String header) {
        return new Section(card.withArray("sections").addObject().put("header", header).putArray("widgets"));
    }

    ObjectNode json() {
        return card;
    }
}
