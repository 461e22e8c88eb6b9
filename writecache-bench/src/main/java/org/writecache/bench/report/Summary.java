package org.writecache.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.HdrHistogram.Histogram;
import org.writecache.bench.harness.Measurement;

/** Folds the measurements of repeated runs into one {@link Row} per configuration, in first-seen order. */
public final class Summary {
    private final Map<String, Row> rows;

    private Summary(final Map<String, Row> rows) {
        this.rows = rows;
    }

    /**
     * @param runs       the measurements of each run.
     * @param baselines  names of the baselines (the rest are cache workloads).
     */
    public static Summary of(final List<List<Measurement>> runs, final java.util.Set<String> baselines) {
        final Map<String, List<Measurement>> byKey = new LinkedHashMap<>();
        final List<Map<String, Measurement>> perRun = new ArrayList<>();
        for (final List<Measurement> run : runs) {
            final Map<String, Measurement> m = new LinkedHashMap<>();
            for (final Measurement x : run) {
                byKey.computeIfAbsent(x.key(), k -> new ArrayList<>()).add(x);
                m.put(x.key(), x);
            }
            perRun.add(m);
        }
        final Map<String, Row> rows = new LinkedHashMap<>();
        byKey.forEach((key, ms) -> {
            final Measurement first = ms.get(0);
            final Histogram merged = new Histogram(3);
            ms.forEach(m -> merged.add(m.latency()));
            final String against = Comparisons.baselineKey(first);
            final List<Double> ratios = new ArrayList<>();
            if (against != null) {
                for (final Map<String, Measurement> run : perRun) {
                    final Measurement mine = run.get(key);
                    final Measurement base = run.get(against);
                    if (mine != null && base != null && base.megabytesPerSecond() > 0) {
                        ratios.add(mine.megabytesPerSecond() / base.megabytesPerSecond());
                    }
                }
            }
            rows.put(key, new Row(key, first.name(), first.params(), baselines.contains(first.name()), ms,
                Stats.of(ms.stream().map(Measurement::opsPerSecond).toList()),
                Stats.of(ms.stream().map(Measurement::megabytesPerSecond).toList()), merged,
                ratios.isEmpty() ? null : against, Stats.of(ratios)));
        });
        return new Summary(rows);
    }

    /** @return every row, baselines first as measured, in first-seen order. */
    public List<Row> rows() {
        return List.copyOf(rows.values());
    }

    /** @return the row of {@code key}, or null. */
    public Row row(final String key) {
        return rows.get(key);
    }

    /** @return the ratio of {@code key}'s throughput to {@code otherKey}'s, run by run. */
    public Stats ratio(final String key, final String otherKey) {
        final Row a = rows.get(key);
        final Row b = rows.get(otherKey);
        if (a == null || b == null) {
            return Stats.of(List.of());
        }
        final List<Double> r = new ArrayList<>();
        for (int i = 0; i < Math.min(a.runs().size(), b.runs().size()); i++) {
            final double base = b.runs().get(i).megabytesPerSecond();
            if (base > 0) {
                r.add(a.runs().get(i).megabytesPerSecond() / base);
            }
        }
        return Stats.of(r);
    }
}
