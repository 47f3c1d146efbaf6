package dev.conversationworker.model;

import java.util.List;

/** What an analysis says about a conversation: the {@code result} object of the analysis record. */
public record AnalysisResult(List<String> userQuestions, String intent, String sentiment, String summary,
        boolean needsAttention, Severity severity, String language) {

    public static final List<String> SENTIMENTS = List.of("positive", "neutral", "negative", "mixed");

    public boolean needsNotification(Severity minimum) {
        return needsAttention && severity.atLeast(minimum);
    }
}
