package dev.conversationworker.model;

import java.time.OffsetDateTime;

/**
 * What an analysis is made for: an input event ({@code conversation.closed}, {@code analysis.requested}) or a
 * trigger the worker derives from the messages ({@code conversation.idle}, {@code conversation.progress}), whose
 * {@code eventId} is the message it is about. Either way the same trigger always has the same {@link #analysisId}.
 *
 * @param type the trigger, as the analysis record carries it
 * @param timestamp when it happened: the input event's timestamp, or when the idle timer fell due
 */
public record Trigger(String conversationId, String eventId, TriggerType type, OffsetDateTime timestamp) {

    public static Trigger of(ChatEvent event) {
        return new Trigger(event.conversationId(), event.eventId(), TriggerType.of(event.type()), event.timestamp());
    }

    /** The conversation has been idle since {@code lastMessageEventId}; its timer fell due at {@code dueAt}. */
    public static Trigger idle(String conversationId, String lastMessageEventId, OffsetDateTime dueAt) {
        return new Trigger(conversationId, lastMessageEventId, TriggerType.CONVERSATION_IDLE, dueAt);
    }

    /** {@code message} is the N-th, 2N-th, … message of its conversation. */
    public static Trigger progress(ChatEvent message) {
        return new Trigger(message.conversationId(), message.eventId(), TriggerType.CONVERSATION_PROGRESS,
                message.timestamp());
    }

    public String analysisId() {
        return AnalysisRecord.analysisId(conversationId, eventId, type);
    }
}
