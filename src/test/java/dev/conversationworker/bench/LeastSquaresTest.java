package dev.conversationworker.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LeastSquaresTest {

    @Test
    void theSlopeOfPointsOnALineIsTheLines() {
        assertThat(LeastSquares.slope(new double[]{0, 1, 2, 3}, new double[]{2, 5, 8, 11})).isCloseTo(3, within(1e-12));
        assertThat(LeastSquares.slope(new double[]{0, 1, 2}, new double[]{7, 7, 7})).isZero();
        assertThat(LeastSquares.slope(new double[]{0, 10}, new double[]{5, 0})).isCloseTo(-0.5, within(1e-12));
    }

    @Test
    void noiseAroundALineAveragesOut() {
        // y = 0.5 x + 100, every other point 4 above or below: the slope stays 0.5.
        double[] xs = new double[60];
        double[] ys = new double[60];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = i;
            ys[i] = 100 + 0.5 * i + (i % 2 == 0 ? 4 : -4);
        }
        assertThat(LeastSquares.slope(xs, ys)).isCloseTo(0.5, within(0.01));
    }

    @Test
    void aStepIsASlopeThatNoEndpointsAloneWouldTell() {
        // Flat at 10, then flat at 20 from the middle on: least squares gives 10 over the span's centred spread.
        double[] xs = {0, 1, 2, 3};
        double[] ys = {10, 10, 20, 20};
        assertThat(LeastSquares.slope(xs, ys)).isCloseTo(4, within(1e-12));
    }

    @Test
    void largeXValuesLoseNoPrecision() {
        double base = 1.7e12; // epoch milliseconds
        assertThat(LeastSquares.slope(new double[]{base, base + 1, base + 2}, new double[]{1, 2, 3}))
                .isCloseTo(1, within(1e-9));
    }

    @Test
    void fewerThanTwoPointsOrOneXDetermineNoLine() {
        assertThat(LeastSquares.slope(new double[]{}, new double[]{})).isNaN();
        assertThat(LeastSquares.slope(new double[]{1}, new double[]{3})).isNaN();
        assertThat(LeastSquares.slope(new double[]{2, 2}, new double[]{3, 4})).isNaN();
        assertThatThrownBy(() -> LeastSquares.slope(new double[]{1, 2}, new double[]{1}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
