package dev.conversationworker.model;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The record on {@code conversation-analyses}, field for field as the contract gives it.
 *
 * @param schemaVersion {@link #SCHEMA_VERSION}: the version of this contract
 * @param promptVersion the version of the LLM prompt (system message, instructions, result schema)
 * @param usage what its LLM calls cost, all of them; zeros when no LLM was called
 * @param offlineReason why the offline analyzer answered although an LLM is configured (the budget); else absent
 */
public record AnalysisRecord(String schemaVersion, String analysisId, String conversationId, String triggerEventId,
        TriggerType trigger, AnalysisStatus status, int messageCount, boolean truncated, String analyzedAt,
        String model, String promptVersion, Provider provider, Long llmLatencyMs, LlmUsage usage,
        AnalysisResult result, @JsonInclude(JsonInclude.Include.NON_NULL) String error,
        @JsonInclude(JsonInclude.Include.NON_NULL) Pseudonymisation pseudonymisation,
        @JsonInclude(JsonInclude.Include.NON_NULL) OfflineReason offlineReason) {

    /** 2: {@code schemaVersion}, {@code promptVersion} and {@code usage} added to version 1 (which had none). */
    public static final String SCHEMA_VERSION = "2";

    public static AnalysisRecord of(Trigger trigger, FormattedConversation conversation, AnalysisOutcome outcome,
            String analyzedAt) {
        return of(trigger.conversationId(), trigger.eventId(), trigger.type(), conversation, outcome, analyzedAt);
    }

    public static AnalysisRecord of(String conversationId, String triggerEventId, TriggerType trigger,
            FormattedConversation conversation, AnalysisOutcome outcome, String analyzedAt) {
        return new AnalysisRecord(SCHEMA_VERSION, analysisId(conversationId, triggerEventId, trigger),
                conversationId, triggerEventId, trigger, outcome.status(), conversation.messageCount(),
                conversation.truncated(), analyzedAt, outcome.model(), outcome.promptVersion(), outcome.provider(),
                outcome.llmLatencyMs(), outcome.usage(), outcome.result(), outcome.error(),
                conversation.pseudonymisation(), outcome.offlineReason());
    }

    /** The same trigger always gives the same id (a name-based UUID), so consumers can drop duplicates by it. */
    public static String analysisId(String conversationId, String triggerEventId) {
        // The length prefix keeps ("a:b", "c") and ("a", "b:c") apart.
        String name = "conversation-analysis\n" + conversationId.length() + ":" + conversationId + "\n"
                + triggerEventId;
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }

    /**
     * The id of an analysis of {@code trigger}. For an input event (closed, requested) it is
     * {@link #analysisId(String, String)} of that event; a derived trigger ({@code conversation.idle},
     * {@code conversation.progress}) names a message, so its type is part of the name: an idle and a progress
     * analysis of the same message are two analyses.
     */
    public static String analysisId(String conversationId, String triggerEventId, TriggerType trigger) {
        if (trigger == null || !trigger.derived()) { // null: a record stored without its trigger
            return analysisId(conversationId, triggerEventId);
        }
        String name = "derived-analysis\n" + trigger.wireName() + "\n" + conversationId.length() + ":" + conversationId
                + "\n"
                + triggerEventId;
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** The same analysis with its result's texts replaced (original values restored), saying so. */
    public AnalysisRecord withResult(AnalysisResult replaced, Pseudonymisation done) {
        return new AnalysisRecord(schemaVersion, analysisId, conversationId, triggerEventId, trigger, status,
                messageCount, truncated, analyzedAt, model, promptVersion, provider, llmLatencyMs, usage, replaced,
                error, done, offlineReason);
    }

    @JsonIgnore
    public boolean isFailed() {
        return result == null;
    }
}
