package dev.conversationworker.model;

/**
 * The answer to one analysis request, whoever gave it.
 *
 * @param status {@code ok} (primary), {@code degraded} (fallback or offline) or {@code failed}
 * @param provider {@code primary}, {@code fallback}, {@code offline}, or {@code none}
 * @param result null when failed
 * @param error why it failed; null otherwise
 * @param llmUnreachable failed because no LLM could be reached (down, circuit open, overloaded, key rejected), so
 *        trying again later may succeed; false for answers that were there but unusable
 */
public record AnalysisOutcome(AnalysisStatus status, Provider provider, String model, Long llmLatencyMs,
        AnalysisResult result, String error, boolean llmUnreachable) {

    public static AnalysisOutcome answered(Provider provider, String model, long latencyMs, AnalysisResult result) {
        return new AnalysisOutcome(provider.statusOfAnswer(), provider, model, latencyMs,
                result, null, false);
    }

    public static AnalysisOutcome failed(String error, long latencyMs, boolean llmUnreachable) {
        return new AnalysisOutcome(AnalysisStatus.FAILED, Provider.NONE, null, latencyMs, null, error, llmUnreachable);
    }
}
