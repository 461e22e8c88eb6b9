package org.writecache.bench.report;

import java.util.Arrays;
import java.util.List;

/**
 * Median and spread of the figures of repeated runs.
 *
 * @param median the median (the mean of the middle two for an even count)
 * @param min    the smallest
 * @param max    the largest
 */
public record Stats(double median, double min, double max) {

    /** @return the statistics of {@code values}; NaN figures when there are none. */
    public static Stats of(final List<Double> values) {
        final double[] v = values.stream().mapToDouble(Double::doubleValue).filter(d -> !Double.isNaN(d)).toArray();
        if (v.length == 0) {
            return new Stats(Double.NaN, Double.NaN, Double.NaN);
        }
        Arrays.sort(v);
        final double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        return new Stats(median, v[0], v[v.length - 1]);
    }
}
