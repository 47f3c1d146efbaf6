package dev.conversationworker.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.conversationworker.model.AnalysisOutcome;
import dev.conversationworker.model.AnalysisRecord;
import dev.conversationworker.model.AnalysisResult;
import dev.conversationworker.model.FormattedConversation;
import dev.conversationworker.model.Provider;
import dev.conversationworker.model.Pseudonymisation;
import dev.conversationworker.model.Severity;
import dev.conversationworker.model.TriggerType;

/** Restoring is for the analysis record's texts only, and only with the originals the step kept. */
class RestoredAnalysisTest {

    private static final Pseudonymisation APPLIED = Pseudonymisation.applied(Map.of("email", 1, "phone", 1));

    @Test
    void placeholdersInSummaryAndQuestionsGetTheirValuesBackAndTheRecordSaysSo() {
        AnalysisRecord analysis = analysis("<EMAIL_1> asked to be called on <PHONE_1>; <EMAIL_2> is unknown",
                List.of("Is <EMAIL_1> right?"));

        AnalysisRecord restored = RestoredAnalysis.of(analysis,
                Map.of("<EMAIL_1>", "jane.doe@example.com", "<PHONE_1>", "+1 212 555 0134"));

        assertThat(restored.result().summary())
                .isEqualTo("jane.doe@example.com asked to be called on +1 212 555 0134; <EMAIL_2> is unknown");
        assertThat(restored.result().userQuestions()).containsExactly("Is jane.doe@example.com right?");
        assertThat(restored.pseudonymisation().restored()).isTrue();
        assertThat(restored.pseudonymisation().replaced()).isEqualTo(APPLIED.replaced());
        assertThat(analysis.result().summary()).as("the analysis the notification is made from is unchanged")
                .startsWith("<EMAIL_1>");
    }

    @Test
    void withoutOriginalsTheAnalysisIsPublishedAsItIs() {
        AnalysisRecord analysis = analysis("<EMAIL_1> wrote", List.of());

        assertThat(RestoredAnalysis.of(analysis, Map.of())).isSameAs(analysis);
    }

    private static AnalysisRecord analysis(String summary, List<String> questions) {
        AnalysisResult result = new AnalysisResult(questions, "refund", "negative", summary, true, Severity.HIGH,
                "en");
        return AnalysisRecord.of("c-1", "close-1", TriggerType.CONVERSATION_CLOSED,
                new FormattedConversation("…", 3, 3, false, APPLIED, Map.of()),
                AnalysisOutcome.answered(Provider.PRIMARY, "m", 10, result), "2026-12-02T05:00:00Z");
    }
}
