package dev.conversationworker.model;

import java.time.Duration;
import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An analysis waiting for an LLM: its trigger, the conversation as it was formatted when the trigger came (later
 * messages do not change what the trigger asked about), and how long and how often it has been tried.
 *
 * @param trigger what the analysis is for; stored by its wire name, e.g. {@code conversation.closed}
 * @param triggeredAt the trigger event's timestamp (ISO-8601)
 * @param waitingSince epoch ms of the first failed attempt
 * @param attempts failed attempts so far, the first included
 * @param unexpectedFailures attempts that failed for a reason other than an unreachable LLM (a bug): after a few,
 *        the analysis is given up rather than tried (and perhaps published and paged) every lease period forever
 * @param usage what its LLM calls cost so far, all attempts together; null while none was made
 */
public record WaitingAnalysis(String conversationId, String triggerEventId, TriggerType trigger, String triggeredAt,
        FormattedConversation conversation, long waitingSince, int attempts, String lastError,
        // Left out while 0, so that the version before this field can still read what this one writes.
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) int unexpectedFailures,
        // Left out while no call was made, for the same reason.
        @JsonInclude(JsonInclude.Include.NON_NULL) LlmUsage usage) {

    public WaitingAnalysis {
        usage = usage == null || usage.isNone() ? null : usage;
    }

    /** The first attempt failed because no LLM could be reached. */
    public static WaitingAnalysis of(Trigger trigger, FormattedConversation conversation, AnalysisOutcome failed,
            Instant now) {
        return new WaitingAnalysis(trigger.conversationId(), trigger.eventId(), trigger.type(),
                trigger.timestamp().toString(), conversation, now.toEpochMilli(), 1, failed.error(), 0, failed.usage());
    }

    /** The analysis id: one entry per trigger, however often the trigger is delivered. */
    public String id() {
        return AnalysisRecord.analysisId(conversationId, triggerEventId, trigger);
    }

    /** @param failed the attempt's outcome: its usage includes the earlier attempts' ({@link #spent()}) */
    public WaitingAnalysis failedAgain(AnalysisOutcome failed) {
        return new WaitingAnalysis(conversationId, triggerEventId, trigger, triggeredAt, conversation, waitingSince,
                attempts + 1, failed.error(), unexpectedFailures, failed.usage());
    }

    /** What its LLM calls cost so far. */
    public LlmUsage spent() {
        return usage == null ? LlmUsage.NONE : usage;
    }

    /** An attempt failed for a reason other than the LLM (a bug). */
    public WaitingAnalysis failedUnexpectedly(String error) {
        return new WaitingAnalysis(conversationId, triggerEventId, trigger, triggeredAt, conversation, waitingSince,
                attempts + 1, error, unexpectedFailures + 1, usage);
    }

    public AnalysisRecord toRecord(AnalysisOutcome outcome, String analyzedAt) {
        return toRecord(conversation, outcome, analyzedAt);
    }

    /** @param asAnalysed the conversation as it was sent this time (pseudonymised now, if it was parked raw) */
    public AnalysisRecord toRecord(FormattedConversation asAnalysed, AnalysisOutcome outcome, String analyzedAt) {
        return AnalysisRecord.of(conversationId, triggerEventId, trigger, asAnalysed, outcome, analyzedAt);
    }

    public boolean waitedAtLeast(Duration maxWait, Instant now) {
        return !Instant.ofEpochMilli(waitingSince).plus(maxWait).isAfter(now);
    }
}
