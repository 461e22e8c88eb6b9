package org.writecache.bench.harness;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Draws ranks 0..n-1 with probability proportional to {@code 1 / (rank + 1)^s}, from a precomputed table. */
public final class Zipf {
    private final double[] cumulative;

    /**
     * @param n        number of distinct values, at least 1.
     * @param exponent the skew {@code s}, positive (0.99 is the classic YCSB value).
     */
    public Zipf(final int n, final double exponent) {
        if (n < 1 || !(exponent > 0)) {
            throw new IllegalArgumentException("zipf needs n >= 1 and exponent > 0: n " + n + ", exponent " + exponent);
        }
        cumulative = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += 1 / Math.pow(i + 1, exponent);
            cumulative[i] = sum;
        }
        for (int i = 0; i < n; i++) {
            cumulative[i] /= sum;
        }
    }

    /** @return the next rank, 0 the most frequent. */
    public int next(final SplittableRandom random) {
        final int i = Arrays.binarySearch(cumulative, random.nextDouble());
        return Math.min(cumulative.length - 1, i >= 0 ? i : -i - 1);
    }
}
