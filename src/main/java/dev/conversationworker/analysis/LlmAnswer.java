package dev.conversationworker.analysis;

import dev.conversationworker.model.AnalysisResult;
import dev.conversationworker.model.Provider;

/** A valid result from one endpoint ({@code primary} or {@code fallback}) and how long the winning call took. */
record LlmAnswer(Provider endpoint, String model, long latencyMs, AnalysisResult result) {
}
