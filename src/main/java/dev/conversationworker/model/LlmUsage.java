package dev.conversationworker.model;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * What the LLM calls of one analysis cost, in the units providers bill: summed over every HTTP call made for it
 * (hedges, retries, the fallback, the attempts of a waiting analysis), lost answers included.
 *
 * @param promptTokens input tokens, the cached ones included (as providers count them)
 * @param completionTokens output tokens
 * @param cachedTokens the part of {@code promptTokens} the provider read from its prompt cache (billed cheaper)
 * @param calls HTTP requests sent to an LLM
 * @param estimated some call's tokens were counted here with the model's tokenizer, because its usage never came
 *        back (an answer lost to a cancelled hedge, the deadline or an I/O error, or one without {@code usage})
 */
public record LlmUsage(long promptTokens, long completionTokens, long cachedTokens, int calls, boolean estimated) {

    /** No LLM call: an offline analysis, or one that never reached an LLM. */
    public static final LlmUsage NONE = new LlmUsage(0, 0, 0, 0, false);

    public LlmUsage plus(LlmUsage other) {
        return new LlmUsage(promptTokens + other.promptTokens, completionTokens + other.completionTokens,
                cachedTokens + other.cachedTokens, calls + other.calls, estimated || other.estimated);
    }

    @JsonIgnore
    public boolean isNone() {
        return equals(NONE);
    }
}
