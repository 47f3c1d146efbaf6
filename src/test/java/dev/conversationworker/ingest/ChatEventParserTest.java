package dev.conversationworker.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.conversationworker.model.ChatEvent;
import dev.conversationworker.model.EventType;
import dev.conversationworker.model.InvalidEventException;
import dev.conversationworker.model.Role;

class ChatEventParserTest {

    private final ChatEventParser parser = new ChatEventParser(true, 512);

    private static final String VALID = """
            {"eventId": "e-7f3a", "type": "message", "conversationId": "c-42", "timestamp": "2026-11-24T10:00:00Z",
             "role": "user", "text": "Làm sao để đổi mật khẩu? 🔑", "userId": "u-9", "channel": "web",
             "language": "vi", "metadata": {"source": "app", "n": 1}}""";

    @Test
    void readsEveryFieldOfAValidMessage() {
        ChatEvent event = parse(VALID);
        assertThat(event.eventId()).isEqualTo("e-7f3a");
        assertThat(event.type()).isEqualTo(EventType.MESSAGE);
        assertThat(event.conversationId()).isEqualTo("c-42");
        assertThat(event.timestamp().toInstant().toString()).isEqualTo("2026-11-24T10:00:00Z");
        assertThat(event.role()).isEqualTo(Role.USER);
        assertThat(event.text()).isEqualTo("Làm sao để đổi mật khẩu? 🔑");
        assertThat(event.userId()).isEqualTo("u-9");
        assertThat(event.channel()).isEqualTo("web");
        assertThat(event.language()).isEqualTo("vi");
        assertThat(event.metadata()).isEqualTo(Map.of("source", "app", "n", 1));
    }

    @Test
    void triggersNeedNoRoleOrText() {
        ChatEvent closed = parse(
                """
                        {"eventId": "e2", "type": "conversation.closed", "conversationId": "c", "timestamp": "2026-11-24T10:00:00+07:00"}""");
        assertThat(closed.type()).isEqualTo(EventType.CONVERSATION_CLOSED);
        assertThat(closed.type().triggersAnalysis()).isTrue();
        assertThat(
                parse("""
                        {"eventId": "e3", "type": "analysis.requested", "conversationId": "c", "timestamp": "2026-11-24T10:00:00Z"}""")
                        .type())
                .isEqualTo(EventType.ANALYSIS_REQUESTED);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
            not JSON                  | hello there                                                                   | not valid JSON
            JSON array                | [1, 2]                                                                        | must be a JSON object
            trailing garbage          | {"eventId": "e"} x                                                            | not valid JSON
            missing eventId           | {"type": "conversation.closed", "conversationId": "c", "timestamp": "2026-11-24T10:00:00Z"} | missing required field 'eventId'
            blank eventId             | {"eventId": " ", "type": "conversation.closed", "conversationId": "c", "timestamp": "2026-11-24T10:00:00Z"} | must not be blank
            numeric conversationId    | {"eventId": "e", "type": "conversation.closed", "conversationId": 42, "timestamp": "2026-11-24T10:00:00Z"} | 'conversationId' must be a string
            null type                 | {"eventId": "e", "type": null, "conversationId": "c", "timestamp": "2026-11-24T10:00:00Z"} | missing required field 'type'
            unknown type              | {"eventId": "e", "type": "message.deleted", "conversationId": "c", "timestamp": "2026-11-24T10:00:00Z"} | unknown type 'message.deleted'
            bad timestamp             | {"eventId": "e", "type": "conversation.closed", "conversationId": "c", "timestamp": "yesterday"} | ISO-8601
            Go's zero time            | {"eventId": "e", "type": "conversation.closed", "conversationId": "c", "timestamp": "0001-01-01T00:00:00Z"} | must be from 1970-01-01T00:00:00Z to before 2100-01-01T00:00:00Z
            far future                | {"eventId": "e", "type": "conversation.closed", "conversationId": "c", "timestamp": "9999-12-31T23:59:59Z"} | must be from 1970
            just before the epoch     | {"eventId": "e", "type": "conversation.closed", "conversationId": "c", "timestamp": "1970-01-01T06:59:59+07:00"} | must be from 1970
            timestamp without offset  | {"eventId": "e", "type": "conversation.closed", "conversationId": "c", "timestamp": "2026-11-24T10:00:00"} | ISO-8601
            message without text      | {"eventId": "e", "type": "message", "conversationId": "c", "timestamp": "2026-11-24T10:00:00Z", "role": "user"} | missing required field 'text'
            message with bad role     | {"eventId": "e", "type": "message", "conversationId": "c", "timestamp": "2026-11-24T10:00:00Z", "role": "bot", "text": "x"} | role must be one of
            text not a string         | {"eventId": "e", "type": "message", "conversationId": "c", "timestamp": "2026-11-24T10:00:00Z", "role": "user", "text": {"a": 1}} | 'text' must be a string
            metadata not an object    | {"eventId": "e", "type": "conversation.closed", "conversationId": "c", "timestamp": "2026-11-24T10:00:00Z", "metadata": [1]} | 'metadata' must be an object
            duplicate field           | {"eventId": "e", "eventId": "f", "type": "conversation.closed", "conversationId": "c", "timestamp": "2026-11-24T10:00:00Z"} | Duplicate field
            unknown field             | {"eventId": "e", "type": "conversation.closed", "conversationId": "c", "timestamp": "2026-11-24T10:00:00Z", "extra": 1} | unknown field 'extra'
            """)
    void rejectsWithAReasonThatSaysWhy(String label, String json, String reason) {
        assertThatThrownBy(() -> parse(json)).isInstanceOf(InvalidEventException.class).hasMessageContaining(reason);
    }

    @Test
    void rejectsInvalidUtf8AndEmptyValues() {
        byte[] invalid = {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        assertThatThrownBy(() -> parser.parse(invalid)).isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("not valid UTF-8");
        assertThatThrownBy(() -> parser.parse(new byte[0])).hasMessageContaining("empty");
        assertThatThrownBy(() -> parser.parse(null)).hasMessageContaining("empty");
    }

    @Test
    void rejectsOverlongIdsAndDeepNesting() {
        String longId = "c".repeat(513);
        assertThatThrownBy(() -> parse(
                """
                        {"eventId": "e", "type": "conversation.closed", "conversationId": "%s", "timestamp": "2026-11-24T10:00:00Z"}"""
                        .formatted(longId)))
                .hasMessageContaining("limit is 512");
        String deep = "[".repeat(5000) + "]".repeat(5000);
        assertThatThrownBy(() -> parse("{\"eventId\": \"e\", \"metadata\": " + deep + "}"))
                .isInstanceOf(InvalidEventException.class);
        String deepMetadata = "{\"n\":".repeat(40) + "{}" + "}".repeat(40);
        assertThatThrownBy(() -> parse(
                """
                        {"eventId": "e", "type": "conversation.closed", "conversationId": "c", "timestamp": "2026-11-24T10:00:00Z", "metadata": %s}"""
                        .formatted(deepMetadata)))
                .hasMessageContaining("nested deeper than 32");
    }

    @Test
    void toleratesUnknownFieldsWhenConfiguredTo() {
        ChatEventParser lenient = new ChatEventParser(false, 512);
        ChatEvent event = lenient
                .parse("""
                        {"eventId": "e", "type": "conversation.closed", "conversationId": "c", "timestamp": "2026-11-24T10:00:00Z", "extra": 1}"""
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(event.eventId()).isEqualTo("e");
    }

    @Test
    void theRecordKeyMustBeTheConversationId() {
        byte[] close = """
                {"eventId": "e", "type": "conversation.closed", "conversationId": "c-Đức-🙂", "timestamp": "2026-11-24T10:00:00Z"}"""
                .getBytes(StandardCharsets.UTF_8);
        assertThat(parser.parse("c-Đức-🙂".getBytes(StandardCharsets.UTF_8), close).conversationId())
                .isEqualTo("c-Đức-🙂");
        assertThatThrownBy(() -> parser.parse("c-other".getBytes(StandardCharsets.UTF_8), close))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("record key 'c-other' is not the conversationId 'c-Đức-🙂'");
        assertThatThrownBy(() -> parser.parse(null, close)).isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("record has no key");
        // An invalid value is reported as such, whatever the key.
        assertThatThrownBy(() -> parser.parse(null, "nope".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void theReasonForInvalidJsonQuotesNothingOfTheRecord() {
        assertThatThrownBy(() -> parse("{\"eventId\": \"e\", \"text\": jane.doe@example.com}"))
                .isInstanceOf(InvalidEventException.class).hasMessageStartingWith("not valid JSON: ")
                .hasMessageContaining("line 1, column").hasMessageNotContaining("jane");
    }

    private ChatEvent parse(String json) {
        return parser.parse(json.getBytes(StandardCharsets.UTF_8));
    }
}
