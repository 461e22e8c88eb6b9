package org.writecache.bench.harness;

import java.util.Map;
import java.util.TreeMap;

import org.HdrHistogram.Histogram;

/**
 * The outcome of timing one configuration once.
 *
 * @param name      the workload or baseline, such as {@code rand-write-fua}
 * @param params    what distinguishes this configuration (threads, wait policy, flush policy, backend)
 * @param ops       operations completed
 * @param bytes     bytes moved
 * @param nanos     wall time of the timed phase
 * @param latency   per-operation latency in nanoseconds
 * @param extras    counters read from the cache afterwards (blocked writes, writeback blocks, ...)
 */
public record Measurement(String name, Map<String, String> params, long ops, long bytes, long nanos,
                          Histogram latency, Map<String, Long> extras) {

    /** @return a key naming the configuration: the name followed by its parameters. */
    public String key() {
        return key(name, params);
    }

    /** @return the key of {@code name} with {@code params}, the same form {@link #key()} gives. */
    public static String key(final String name, final Map<String, String> params) {
        final StringBuilder b = new StringBuilder(name);
        new TreeMap<>(params).forEach((k, v) -> b.append(' ').append(k).append('=').append(v));
        return b.toString();
    }

    /** @return operations per second. */
    public double opsPerSecond() {
        return nanos == 0 ? 0 : ops * 1e9 / nanos;
    }

    /** @return megabytes (10^6 bytes) per second. */
    public double megabytesPerSecond() {
        return nanos == 0 ? 0 : bytes * 1e3 / nanos;
    }

    /** @return a copy with extra counters added. */
    public Measurement withExtras(final Map<String, Long> more) {
        final Map<String, Long> all = new TreeMap<>(extras);
        all.putAll(more);
        return new Measurement(name, params, ops, bytes, nanos, latency, all);
    }
}
