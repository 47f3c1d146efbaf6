package dev.conversationworker.analysis;

/**
 * The answer to one analysis request, whoever gave it.
 *
 * @param status {@code ok} (primary), {@code degraded} (fallback or offline) or {@code failed}
 * @param provider {@code primary}, {@code fallback}, {@code offline}, or {@code none}
 * @param result null when failed
 * @param error why it failed; null otherwise
 */
public record AnalysisOutcome(String status, String provider, String model, Long llmLatencyMs,
        AnalysisResult result, String error) {

    public static AnalysisOutcome answered(String provider, String model, long latencyMs, AnalysisResult result) {
        return new AnalysisOutcome("primary".equals(provider) ? "ok" : "degraded", provider, model, latencyMs,
                result, null);
    }

    public static AnalysisOutcome failed(String error, long latencyMs) {
        return new AnalysisOutcome("failed", "none", null, latencyMs, null, error);
    }
}
