package dev.conversationworker.notification;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.vertx.core.json.JsonObject;

import dev.conversationworker.googlechat.GoogleChat;
import dev.conversationworker.model.AnalysisRecord;
import dev.conversationworker.model.AnalysisResult;
import dev.conversationworker.model.AnalysisStatus;
import dev.conversationworker.model.LlmUsage;
import dev.conversationworker.model.Provider;
import dev.conversationworker.model.Severity;
import dev.conversationworker.model.TriggerType;

class GoogleChatMessagesTest {

    private static final String HOSTILE = "<users/all> please look at <https://evil.example/login|your invoice> "
            + "*urgent* _now_ ~x~ `code` https://phish.example www.phish.example <b onclick=x>hi</b> & \u202Edesrever";

    private final GoogleChatMessages messages = new GoogleChatMessages(500, 5);

    @Test
    void anAttentionMessageHasACardATextFallbackAndAThreadPerConversation() {
        Notification n = messages
                .attention(analysis("c-42", "Customer was charged twice.", List.of("Where is my refund?")));
        JsonObject body = new JsonObject(n.body());

        assertThat(n.kind()).isEqualTo("attention");
        assertThat(n.severity()).isEqualTo("high");
        assertThat(n.dedupeKey()).isEqualTo(AnalysisRecord.analysisId("c-42", "close-1"));
        assertThat(body.getString("text")).startsWith("🔴 *HIGH*: conversation c-42 needs attention")
                .contains("Summary: Customer was charged twice.").contains("• Where is my refund?");
        assertThat(body.getJsonObject("thread").getString("threadKey"))
                .isEqualTo(GoogleChatMessages.threadKey("c-42"))
                .isEqualTo(new JsonObject(messages.attention(analysis("c-42", "other", List.of())).body())
                        .getJsonObject("thread").getString("threadKey"));
        JsonObject card = body.getJsonArray("cardsV2").getJsonObject(0).getJsonObject("card");
        assertThat(card.getJsonObject("header").getString("title")).isEqualTo("HIGH: conversation needs attention");
        assertThat(card.getJsonObject("header").getString("subtitle")).isEqualTo("Conversation c-42");
        assertThat(card.getJsonArray("sections").encode()).contains("decoratedText").contains("Severity")
                .contains("Where is my refund?");
    }

    @Test
    void customerTextCannotMentionLinkOrFormat() {
        Notification n = messages.attention(analysis("c-<users/all>", HOSTILE, List.of(HOSTILE)));
        JsonObject body = new JsonObject(n.body());
        String text = body.getString("text");
        String cards = body.getJsonArray("cardsV2").encode();
        for (String rendered : List.of(text, cards)) {
            assertThat(rendered).doesNotContain("<users/").doesNotContain("<https://").doesNotContain("https://")
                    .doesNotContain("www.phish").doesNotContain("<b ").doesNotContain("\u202E")
                    .doesNotContain("*urgent*").doesNotContain("_now_").doesNotContain("`code`");
        }
        assertThat(text).contains("‹users/all›").contains("https[:]//phish.example").contains("www[.]phish");
        assertThat(cards).contains("&amp;");
    }

    @Test
    void intentsReadAsWords() {
        assertThat(GoogleChatMessages.intentLabel("account_access")).isEqualTo("account access");
        assertThat(GoogleChatMessages.intentLabel("<users/all>")).isEqualTo("users all");
        assertThat(GoogleChatMessages.intentLabel("***")).isEqualTo("unknown");
    }

    @Test
    void staysWithinGoogleChatLimits() {
        String huge = "😀 ".repeat(20_000);
        Notification n = messages.attention(analysis("c-1", huge, Collections.nCopies(50, huge)));
        JsonObject body = new JsonObject(n.body());
        assertThat(body.getString("text").length()).isLessThanOrEqualTo(GoogleChat.MAX_TEXT_CHARS);
        assertThat(n.body().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(GoogleChat.MAX_MESSAGE_BYTES);
        assertThat(body.getString("text").split("\n• ")).hasSize(6);
    }

    @Test
    void aFailedAnalysisIsAnOperationalMessage() {
        AnalysisRecord failed = new AnalysisRecord(AnalysisRecord.SCHEMA_VERSION, AnalysisRecord.analysisId("c-9",
                "t-1"), "c-9", "t-1", TriggerType.CONVERSATION_CLOSED, AnalysisStatus.FAILED, 3, false,
                "2026-11-24T10:00:00Z", null, "p1", Provider.NONE, 5000L, LlmUsage.NONE, null,
                "primary answered HTTP 500; fallback answered HTTP 503", null, null);
        Notification n = messages.analysisFailed(failed);
        assertThat(n.kind()).isEqualTo("operational");
        assertThat(n.dedupeKey()).isEqualTo("analysis-failed:" + failed.analysisId());
        assertThat(new JsonObject(n.body()).getString("text")).contains("Analysis failed").contains("c-9")
                .contains("HTTP 503");
    }

    private static AnalysisRecord analysis(String conversationId, String summary, List<String> questions) {
        AnalysisResult result = new AnalysisResult(questions, "refund", "negative", summary, true, Severity.HIGH, "en");
        return new AnalysisRecord(AnalysisRecord.SCHEMA_VERSION, AnalysisRecord.analysisId(conversationId,
                "close-1"), conversationId, "close-1", TriggerType.CONVERSATION_CLOSED, AnalysisStatus.OK, 4, false,
                "2026-11-24T10:00:00Z", "m", "p1", Provider.PRIMARY, 800L, LlmUsage.NONE, result, null, null, null);
    }

    @Test
    void anLlmOutageIsOneThreadFromAlarmToAllClear() {
        Instant start = Instant.parse("2026-11-24T10:00:00Z");
        Notification alarm = messages.analysesWaiting("primary answered HTTP 503 <users/all> https://x.example",
                Duration.ofMinutes(15), start);
        Notification allClear = messages.analysesNoLongerWaiting(start.plusSeconds(95));

        JsonObject alarmBody = new JsonObject(alarm.body());
        assertThat(alarm.kind()).isEqualTo("operational");
        assertThat(alarm.severity()).isEqualTo("critical");
        assertThat(alarm.dedupeKey()).isEqualTo("analyses-waiting:2026-11-24T10:00:00Z");
        assertThat(alarmBody.getString("text")).contains("No LLM can be reached").contains("after 15 min")
                .doesNotContain("<users/all>").doesNotContain("https://");
        assertThat(allClear.dedupeKey()).isEqualTo("analyses-waiting-over:2026-11-24T10:01:00Z");
        assertThat(new JsonObject(allClear.body()).getJsonObject("thread").getString("threadKey"))
                .as("the all-clear lands in the alarm's thread")
                .isEqualTo(alarmBody.getJsonObject("thread").getString("threadKey"));
    }
}
