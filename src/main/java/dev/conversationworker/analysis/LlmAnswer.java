package dev.conversationworker.analysis;

import dev.conversationworker.model.AnalysisResult;

/** A valid result from one endpoint ({@code primary} or {@code fallback}) and how long the winning call took. */
record LlmAnswer(String endpoint, String model, long latencyMs, AnalysisResult result) {
}
