package dev.conversationworker.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.OptionalDouble;

import org.junit.jupiter.api.Test;

import dev.conversationworker.model.LlmUsage;

class TokenPricesTest {

    @Test
    void cachedInputIsBilledAtItsOwnPriceAndTheRestOfTheInputAtTheInputPrice() {
        TokenPrices prices = TokenPrices.of(prices(0.15, 0.075, 0.60)).orElseThrow();
        // 1,000,000 input of which 400,000 cached, 100,000 output.
        double cost = prices.cost(new LlmUsage(1_000_000, 100_000, 400_000, 7, false));
        assertThat(cost).isCloseTo(0.6 * 0.15 + 0.4 * 0.075 + 0.1 * 0.60, within(1e-12));
    }

    @Test
    void withoutACachedPriceCachedTokensCostWhatInputCostsAndWithoutInputOrOutputThereIsNoCost() {
        TokenPrices prices = TokenPrices.of(prices(2.0, null, 8.0)).orElseThrow();
        assertThat(prices.cost(new LlmUsage(1000, 10, 1000, 1, false))).isCloseTo(1000 * 2.0 / 1e6 + 10 * 8.0 / 1e6,
                within(1e-15));
        assertThat(TokenPrices.of(prices(2.0, 1.0, null))).isEmpty();
        assertThat(TokenPrices.of(prices(null, 1.0, 8.0))).isEmpty();
    }

    private static LlmConfig.Prices prices(Double input, Double cachedInput, Double output) {
        return new LlmConfig.Prices() {

            @Override
            public OptionalDouble input() {
                return input == null ? OptionalDouble.empty() : OptionalDouble.of(input);
            }

            @Override
            public OptionalDouble cachedInput() {
                return cachedInput == null ? OptionalDouble.empty() : OptionalDouble.of(cachedInput);
            }

            @Override
            public OptionalDouble output() {
                return output == null ? OptionalDouble.empty() : OptionalDouble.of(output);
            }
        };
    }
}
