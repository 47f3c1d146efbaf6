package dev.conversationworker.pipeline;

import java.util.Map;

import dev.conversationworker.model.AnalysisRecord;
import dev.conversationworker.model.AnalysisResult;
import dev.conversationworker.pseudonymise.Pseudonyms;

/**
 * {@code pseudonymise.restore-in-analysis}: the analysis record's texts (summary, questions) with the original values
 * back in place of their placeholders. Only the record on {@code conversation-analyses} gets it; the notification
 * is made from the analysis as the LLM wrote it, placeholders and all.
 */
final class RestoredAnalysis {

    private RestoredAnalysis() {
    }

    /** @param originals placeholder to value; empty when restoring is off, and then {@code analysis} is returned */
    static AnalysisRecord of(AnalysisRecord analysis, Map<String, String> originals) {
        AnalysisResult result = analysis.result();
        if (originals.isEmpty() || result == null || analysis.pseudonymisation() == null) {
            return analysis;
        }
        AnalysisResult restored = new AnalysisResult(
                result.userQuestions().stream().map(q -> Pseudonyms.restore(q, originals)).toList(),
                result.intent(), result.sentiment(), Pseudonyms.restore(result.summary(), originals),
                result.needsAttention(), result.severity(), result.language());
        return analysis.withResult(restored, analysis.pseudonymisation().asRestored());
    }
}
