package org.writecache.bench.nbd;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of one {@code nbd-bench} run per transport, round by round, and what they say: ratios taken within each
 * round (cache against direct, writeback against nbdcopy), their median and spread, and a verdict per target.
 */
final class NbdBenchReport {
    /** Durable write through the cache against a FUA write straight to the export. */
    static final double DURABLE_TARGET = 100;
    /** Writeback bandwidth against nbdcopy's into the same export. */
    static final double WRITEBACK_TARGET = 0.7;

    /** One round on one transport. */
    record Round(NbdMeasurements.Durable direct, NbdMeasurements.Durable cache, double writebackBytesPerSecond,
                 double nbdcopyBytesPerSecond) {
        double durableRatio() {
            return cache.opsPerSecond() / direct.opsPerSecond();
        }

        double writebackRatio() {
            return writebackBytesPerSecond / nbdcopyBytesPerSecond;
        }
    }

    private final Map<String, String> facts;
    private final Map<String, List<Round>> rounds = new LinkedHashMap<>();

    NbdBenchReport(final Map<String, String> facts) {
        this.facts = facts;
    }

    void add(final String transport, final Round round) {
        rounds.computeIfAbsent(transport, t -> new ArrayList<>()).add(round);
    }

    /** @return whether every target was met on every transport. */
    boolean allMet() {
        return rounds.values().stream().allMatch(r -> median(r, Round::durableRatio) >= DURABLE_TARGET
            && median(r, Round::writebackRatio) >= WRITEBACK_TARGET);
    }

    /** @return the run as Markdown: facts, every round, the targets with verdicts. */
    String markdown() {
        final StringBuilder b = new StringBuilder("# writecache nbd-bench\n\n");
        facts.forEach((k, v) -> b.append("- ").append(k).append(": ").append(v).append('\n'));
        b.append("\n## Rounds\n\n| transport | round | direct FUA writes/s (p50, p99 µs) "
            + "| cache FUA writes/s (p50, p99 µs) | durable ratio | writeback MB/s | nbdcopy MB/s "
            + "| writeback ratio |\n"
            + "|---|---:|---:|---:|---:|---:|---:|---:|\n");
        rounds.forEach((t, rs) -> {
            for (int i = 0; i < rs.size(); i++) {
                final Round r = rs.get(i);
                b.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %.0fx | %.0f | %.0f | %.2f |\n", t, i + 1,
                    durable(r.direct()), durable(r.cache()), r.durableRatio(), r.writebackBytesPerSecond() / 1e6,
                    r.nbdcopyBytesPerSecond() / 1e6, r.writebackRatio()));
            }
        });
        b.append("\n## Targets (median of the rounds' ratios, min-max)\n\n| target | transport | measured | bound |"
            + " verdict |\n|---|---|---|---:|---|\n");
        rounds.forEach((t, rs) -> {
            final double d = median(rs, Round::durableRatio);
            b.append(String.format(Locale.ROOT, "| durable 4 KiB write through the cache against a FUA write straight "
                    + "to the export | %s | %,.0f/s against %,.0f/s: %.0fx (%.0f-%.0f) | %.0fx | %s |\n", t,
                median(rs, r -> r.cache().opsPerSecond()), median(rs, r -> r.direct().opsPerSecond()), d,
                min(rs, Round::durableRatio), max(rs, Round::durableRatio), DURABLE_TARGET,
                d >= DURABLE_TARGET ? "met" : "not met"));
            final double w = median(rs, Round::writebackRatio);
            b.append(String.format(Locale.ROOT, "| writeback bandwidth against nbdcopy into the same export | %s | "
                    + "%.0f MB/s against %.0f MB/s: %.2f (%.2f-%.2f) | %.2f | %s |\n", t,
                median(rs, r -> r.writebackBytesPerSecond() / 1e6), median(rs, r -> r.nbdcopyBytesPerSecond() / 1e6),
                w, min(rs, Round::writebackRatio), max(rs, Round::writebackRatio), WRITEBACK_TARGET,
                w >= WRITEBACK_TARGET ? "met" : "not met"));
        });
        return b.toString();
    }

    /** @return the run as JSON: facts and every round's figures. */
    String json() {
        final StringBuilder b = new StringBuilder("{\n  \"facts\": {");
        String sep = "";
        for (final Map.Entry<String, String> e : facts.entrySet()) {
            b.append(sep).append("\n    ").append(quote(e.getKey())).append(": ").append(quote(e.getValue()));
            sep = ",";
        }
        b.append("\n  },\n  \"transports\": {");
        sep = "";
        for (final Map.Entry<String, List<Round>> e : rounds.entrySet()) {
            b.append(sep).append("\n    ").append(quote(e.getKey())).append(": [");
            String rsep = "";
            for (final Round r : e.getValue()) {
                b.append(rsep).append(String.format(Locale.ROOT, "\n      {\"direct_fua_ops_per_s\": %.1f, "
                        + "\"direct_fua_p50_us\": %.1f, \"direct_fua_p99_us\": %.1f, \"cache_fua_ops_per_s\": %.1f, "
                        + "\"cache_fua_p50_us\": %.2f, \"cache_fua_p99_us\": %.2f, \"writeback_bytes_per_s\": %.0f, "
                        + "\"nbdcopy_bytes_per_s\": %.0f, \"durable_ratio\": %.2f, \"writeback_ratio\": %.3f}",
                    r.direct().opsPerSecond(), r.direct().p50Micros(), r.direct().p99Micros(),
                    r.cache().opsPerSecond(), r.cache().p50Micros(), r.cache().p99Micros(),
                    r.writebackBytesPerSecond(), r.nbdcopyBytesPerSecond(), r.durableRatio(), r.writebackRatio()));
                rsep = ",";
            }
            b.append("\n    ]");
            sep = ",";
        }
        return b.append("\n  }\n}\n").toString();
    }

    private static String durable(final NbdMeasurements.Durable d) {
        return String.format(Locale.ROOT, "%,.0f (%.1f, %.1f)", d.opsPerSecond(), d.p50Micros(), d.p99Micros());
    }

    private static String quote(final String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /** A figure of a round. */
    interface Figure {
        double of(Round r);
    }

    private static double[] sorted(final List<Round> rs, final Figure f) {
        final double[] v = rs.stream().mapToDouble(f::of).toArray();
        Arrays.sort(v);
        return v;
    }

    static double median(final List<Round> rs, final Figure f) {
        final double[] v = sorted(rs, f);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static double min(final List<Round> rs, final Figure f) {
        return sorted(rs, f)[0];
    }

    private static double max(final List<Round> rs, final Figure f) {
        final double[] v = sorted(rs, f);
        return v[v.length - 1];
    }
}
