package org.writecache.bench.report;

import java.util.List;
import java.util.Map;

import org.HdrHistogram.Histogram;
import org.writecache.bench.harness.Measurement;

/**
 * One configuration over all runs.
 *
 * @param key        the configuration's key
 * @param name       workload or baseline name
 * @param params     its parameters
 * @param baseline   true for a baseline
 * @param runs       the measurement of each run
 * @param ops        operations per second over the runs
 * @param megabytes  megabytes per second over the runs
 * @param latency    latencies of all runs merged
 * @param against    key of the baseline it is compared with, or null
 * @param ratio      throughput divided by the baseline's, each run against the same run's baseline
 */
public record Row(String key, String name, Map<String, String> params, boolean baseline, List<Measurement> runs,
                  Stats ops, Stats megabytes, Histogram latency, String against, Stats ratio) {

    /** @return latency at {@code percentile} in microseconds. */
    public double micros(final double percentile) {
        return latency.getValueAtPercentile(percentile) / 1e3;
    }

    /** @return a short label of the parameters, such as {@code threads=2 wait=wake-all}. */
    public String paramLabel() {
        final StringBuilder b = new StringBuilder();
        new java.util.TreeMap<>(params).forEach((k, v) -> b.append(b.isEmpty() ? "" : " ").append(k).append('=')
            .append(v));
        return b.toString();
    }
}
