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
 * @param usage the tokens and calls of every LLM call made for it ({@link LlmUsage#NONE} without any)
 * @param promptVersion the version of the LLM prompt of the worker that made it (see {@code AnalysisPrompt})
 * @param offlineReason why the offline analyzer answered although an LLM is configured; null otherwise
 */
public record AnalysisOutcome(AnalysisStatus status, Provider provider, String model, Long llmLatencyMs,
        AnalysisResult result, String error, boolean llmUnreachable, LlmUsage usage, String promptVersion,
        OfflineReason offlineReason) {

    public AnalysisOutcome {
        usage = usage == null ? LlmUsage.NONE : usage;
    }

    public static AnalysisOutcome answered(Provider provider, String model, long latencyMs, AnalysisResult result) {
        return new AnalysisOutcome(provider.statusOfAnswer(), provider, model, latencyMs,
                result, null, false, LlmUsage.NONE, null, null);
    }

    public static AnalysisOutcome failed(String error, long latencyMs, boolean llmUnreachable) {
        return new AnalysisOutcome(AnalysisStatus.FAILED, Provider.NONE, null, latencyMs, null, error, llmUnreachable,
                LlmUsage.NONE, null, null);
    }

    /** The same outcome, with what its LLM calls cost and the prompt version they were asked with. */
    public AnalysisOutcome costing(LlmUsage spent, String version) {
        return new AnalysisOutcome(status, provider, model, llmLatencyMs, result, error, llmUnreachable, spent,
                version, offlineReason);
    }

    /** The same outcome, saying why the offline analyzer gave it. */
    public AnalysisOutcome because(OfflineReason reason) {
        return new AnalysisOutcome(status, provider, model, llmLatencyMs, result, error, llmUnreachable, usage,
                promptVersion, reason);
    }

    /** Failed in the end, with this error: the calls made for it, the prompt version and why no LLM was asked stay. */
    public AnalysisOutcome failedAs(String failure, boolean unreachable) {
        return new AnalysisOutcome(AnalysisStatus.FAILED, Provider.NONE, null, llmLatencyMs, null, failure,
                unreachable, usage, promptVersion, offlineReason);
    }
}
