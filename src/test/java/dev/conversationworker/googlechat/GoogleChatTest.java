package dev.conversationworker.googlechat;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.vertx.core.json.JsonObject;

/** The shape and limits every Chat message the worker writes (notifications, digests) is built with. */
class GoogleChatTest {

    @Test
    void aMessageHasItsTextOneCardAndItsThread() {
        ChatCard card = new ChatCard("Title", "Subtitle");
        card.section().decoratedText("Severity", "high").paragraph("<b>Summary</b><br>text");
        card.section("User questions").paragraph("• why?");

        JsonObject body = new JsonObject(new ChatMessage("the text", "card-1", card, "thread-1").json());

        assertThat(body.fieldNames()).containsExactly("text", "cardsV2", "thread");
        assertThat(body.getString("text")).isEqualTo("the text");
        assertThat(body.getJsonObject("thread").getString("threadKey")).isEqualTo("thread-1");
        JsonObject cardV2 = body.getJsonArray("cardsV2").getJsonObject(0);
        assertThat(cardV2.getString("cardId")).isEqualTo("card-1");
        JsonObject json = cardV2.getJsonObject("card");
        assertThat(json.getJsonObject("header").encode()).isEqualTo("{\"title\":\"Title\",\"subtitle\":\"Subtitle\"}");
        assertThat(json.getJsonArray("sections").encode()).isEqualTo("[{\"widgets\":["
                + "{\"decoratedText\":{\"topLabel\":\"Severity\",\"text\":\"high\"}},"
                + "{\"textParagraph\":{\"text\":\"<b>Summary</b><br>text\"}}]},"
                + "{\"header\":\"User questions\",\"widgets\":[{\"textParagraph\":{\"text\":\"• why?\"}}]}]");
    }

    @Test
    void aMessageFitsWhileItsTextAndItsBytesKeepGooglesLimits() {
        ChatCard card = new ChatCard("t", "s");
        assertThat(new ChatMessage("x".repeat(GoogleChat.MAX_TEXT_CHARS), "c", card, "k").fits()).isTrue();
        assertThat(new ChatMessage("x".repeat(GoogleChat.MAX_TEXT_CHARS + 1), "c", card, "k").fits()).isFalse();

        ChatCard large = new ChatCard("t", "s");
        large.section().paragraph("é".repeat(GoogleChat.MAX_MESSAGE_BYTES / 2)); // 2 bytes each in UTF-8
        ChatMessage tooLarge = new ChatMessage("short", "c", large, "k");
        assertThat(tooLarge.fits()).isFalse();
        assertThat(tooLarge.withoutCard().fits()).isTrue();
        assertThat(new JsonObject(tooLarge.withoutCard().json()).fieldNames()).containsExactly("text", "thread");
    }

    @Test
    void cardTextIsEscapedAndMarkupCanBeTakenOut() {
        assertThat(GoogleChat.escapeHtml("<b>&\"'")).isEqualTo("&lt;b&gt;&amp;&quot;&#39;");
        assertThat(GoogleChat.withoutMarkup("*bold* _it_ ~s~ `c` <users/all>")).isEqualTo("bold it s c users/all");
    }

    @Test
    void theTextOfAMessageIsReadBackOrEmpty() {
        assertThat(GoogleChat.textOf("{\"text\":\"hello\",\"thread\":{}}")).isEqualTo("hello");
        assertThat(GoogleChat.textOf("{\"cardsV2\":[]}")).isEmpty();
        assertThat(GoogleChat.textOf("not json")).isEmpty();
    }
}
