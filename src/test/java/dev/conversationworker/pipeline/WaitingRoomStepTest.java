package dev.conversationworker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;

import org.junit.jupiter.api.Test;

import dev.conversationworker.model.AnalysisOutcome;
import dev.conversationworker.model.AnalysisStatus;
import dev.conversationworker.model.FormattedConversation;
import dev.conversationworker.model.LlmUsage;
import dev.conversationworker.model.Trigger;
import dev.conversationworker.model.TriggerType;
import dev.conversationworker.model.WaitingAnalysis;
import dev.conversationworker.support.StoredJson;

/** What the waiting room decides: which outcomes wait, and what a waiting analysis becomes after another try. */
class WaitingRoomStepTest {

    private static final Duration MAX_WAIT = Duration.ofMinutes(15);
    private static final Instant PARKED = Instant.parse("2026-12-02T05:00:00Z");
    private static final AnalysisOutcome UNREACHABLE = AnalysisOutcome.failed("LLM down", 30, true);
    private static final AnalysisOutcome UNUSABLE = AnalysisOutcome.failed("not JSON", 900, false);
    private static final WaitingAnalysis WAITING = WaitingAnalysis.of(
            new Trigger("conv", "e1", TriggerType.CONVERSATION_CLOSED, OffsetDateTime.parse("2026-12-02T04:59:00Z")),
            new FormattedConversation("1. [USER]: hi", 1, 1, false), UNREACHABLE, PARKED);

    @Test
    void onlyAnUnreachableLlmMakesAnAnalysisWaitAndOnlyWhileWaitingIsOn() {
        assertThat(WaitingRoomStep.takes(UNREACHABLE, MAX_WAIT)).isTrue();
        assertThat(WaitingRoomStep.takes(UNUSABLE, MAX_WAIT)).as("an unusable answer is published").isFalse();
        assertThat(WaitingRoomStep.takes(UNREACHABLE, Duration.ZERO)).as("analysis.max-wait=0").isFalse();
    }

    @Test
    void anUnreachableLlmWithinMaxWaitMeansWaitingAgain() {
        assertThat(WaitingRoomStep.afterAnotherAttempt(WAITING, UNREACHABLE, MAX_WAIT, PARKED.plusSeconds(60)))
                .isNull();
    }

    @Test
    void anAnswerIsPublishedAsItIs() {
        assertThat(WaitingRoomStep.afterAnotherAttempt(WAITING, UNUSABLE, MAX_WAIT, PARKED.plusSeconds(60)))
                .isSameAs(UNUSABLE);
    }

    @Test
    void afterMaxWaitItIsPublishedAsFailedSayingWhy() {
        AnalysisOutcome expired = WaitingRoomStep.afterAnotherAttempt(WAITING, UNREACHABLE, MAX_WAIT,
                PARKED.plus(MAX_WAIT));

        assertThat(expired.status()).isEqualTo(AnalysisStatus.FAILED);
        assertThat(expired.llmUnreachable()).isTrue();
        assertThat(expired.error()).isEqualTo(
                "no LLM answered within analysis.max-wait (900 s, 2 attempts); last error: LLM down");
    }

    @Test
    void aFullWaitingRoomPublishesTheAnalysisAsFailedSayingWhy() {
        AnalysisOutcome notKept = WaitingRoomStep.notKept(UNREACHABLE, 100);

        assertThat(notKept.error())
                .isEqualTo("LLM down; not kept waiting: 100 analyses wait already (analysis.max-waiting)");
        assertThat(notKept.llmLatencyMs()).isEqualTo(30);
    }

    @Test
    void whatTheAttemptsCostStaysWithTheAnalysisWhileItWaitsAndWhenItIsPublishedAsFailed() {
        AnalysisOutcome firstTry = UNREACHABLE.costing(new LlmUsage(0, 0, 0, 3, false), "v1");
        WaitingAnalysis parked = WaitingAnalysis.of(new Trigger("conv", "e1", TriggerType.CONVERSATION_CLOSED,
                OffsetDateTime.parse("2026-12-02T04:59:00Z")), new FormattedConversation("1. [USER]: hi", 1, 1, false),
                firstTry, PARKED);
        assertThat(parked.spent()).isEqualTo(new LlmUsage(0, 0, 0, 3, false));
        // The next attempt was asked with parked.spent() before it: its outcome carries the sum, and so does the
        // analysis when it waits again.
        AnalysisOutcome secondTry = UNREACHABLE.costing(new LlmUsage(800, 0, 0, 5, true), "v1");
        assertThat(parked.failedAgain(secondTry).spent()).isEqualTo(new LlmUsage(800, 0, 0, 5, true));
        AnalysisOutcome expired = WaitingRoomStep.afterAnotherAttempt(parked, secondTry, MAX_WAIT,
                PARKED.plus(MAX_WAIT));
        assertThat(expired.usage()).isEqualTo(new LlmUsage(800, 0, 0, 5, true));
        assertThat(expired.promptVersion()).isEqualTo("v1");
        assertThat(WaitingRoomStep.notKept(firstTry, 100).usage()).isEqualTo(firstTry.usage());
        // No call made: nothing stored, so that the version before this field reads the analysis as it did.
        assertThat(StoredJson.write(WAITING)).doesNotContain("usage");
        assertThat(StoredJson.write(parked)).contains("\"usage\":{\"promptTokens\":0");
    }
}
