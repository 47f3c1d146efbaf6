package dev.conversationworker.analysis;

import java.util.Optional;

import dev.conversationworker.model.LlmUsage;

/**
 * An endpoint's prices, in currency units per million tokens: input, cached input (the provider's prompt cache,
 * cheaper) and output. Cached tokens are part of the input tokens, as providers report them. Public so that the
 * benchmark's cost column prices its runs with this formula, not a copy of it.
 */
public record TokenPrices(double input, double cachedInput, double output) {

    /** Only with both the input and the output price; the cached-input price defaults to the input price. */
    static Optional<TokenPrices> of(LlmConfig.Prices prices) {
        if (prices.input().isEmpty() || prices.output().isEmpty()) {
            return Optional.empty();
        }
        double input = prices.input().getAsDouble();
        return Optional.of(new TokenPrices(input, prices.cachedInput().orElse(input), prices.output().getAsDouble()));
    }

    /** What {@code usage} costs, in the currency of the prices. */
    public double cost(LlmUsage usage) {
        long uncached = Math.max(0, usage.promptTokens() - usage.cachedTokens());
        return (uncached * input + usage.cachedTokens() * cachedInput + usage.completionTokens() * output) / 1e6;
    }
}
