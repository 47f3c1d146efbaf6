package dev.conversationworker.bench;

/** The least-squares line through points: its slope is how fast a series grows once the noise is averaged out. */
final class LeastSquares {

    private LeastSquares() {
    }

    /**
     * The slope of the least-squares line through ({@code xs[i]}, {@code ys[i]}), in units of y per unit of x; NaN for
     * fewer than two points or when every x is the same (no line is determined).
     */
    static double slope(double[] xs, double[] ys) {
        if (xs.length != ys.length) {
            throw new IllegalArgumentException(xs.length + " x values for " + ys.length + " y values");
        }
        int n = xs.length;
        if (n < 2) {
            return Double.NaN;
        }
        double sumX = 0;
        double sumY = 0;
        for (int i = 0; i < n; i++) {
            sumX += xs[i];
            sumY += ys[i];
        }
        double meanX = sumX / n;
        double meanY = sumY / n;
        // Centred sums: no cancellation when x is, say, epoch milliseconds.
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < n; i++) {
            sxy += (xs[i] - meanX) * (ys[i] - meanY);
            sxx += (xs[i] - meanX) * (xs[i] - meanX);
        }
        return sxx == 0 ? Double.NaN : sxy / sxx;
    }
}
