package org.writecache.bench.report;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.HdrHistogram.Histogram;
import org.writecache.bench.harness.Measurement;

/** Writes a {@link Report} as results.json, one .hgrm file per configuration, summary.md and report.html. */
public final class ReportWriter {
    private ReportWriter() {
    }

    /** Writes all report files into {@code dir}, creating it. */
    public static void write(final Report report, final Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("results.json"), Json.write(json(report)));
        if (report.summary() != null) {
            for (final Row r : report.summary().rows()) {
                Files.writeString(dir.resolve(fileName(r.key()) + ".hgrm"), hgrm(r.latency()));
            }
        }
        Files.writeString(dir.resolve("summary.md"), markdown(report));
        Files.writeString(dir.resolve("report.html"), html(report));
    }

    /** @return a file name made of the key's letters, digits, '-' and '_'. */
    public static String fileName(final String key) {
        return key.replace('=', '-').replaceAll("[^A-Za-z0-9_-]+", "_");
    }

    /** @return HdrHistogram's percentile distribution of {@code h} in microseconds. */
    public static String hgrm(final Histogram h) {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            h.outputPercentileDistribution(out, 1000.0);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    static Map<String, Object> json(final Report report) {
        final Map<String, Object> root = new LinkedHashMap<>();
        root.put("setup", report.setup());
        final List<Object> rows = new ArrayList<>();
        if (report.summary() != null) {
            for (final Row r : report.summary().rows()) {
                final Map<String, Object> m = new LinkedHashMap<>();
                m.put("key", r.key());
                m.put("name", r.name());
                m.put("baseline", r.baseline());
                m.put("params", r.params());
                m.put("opsPerSecond", stats(r.ops()));
                m.put("megabytesPerSecond", stats(r.megabytes()));
                m.put("latencyMicros", Map.of("p50", r.micros(50), "p99", r.micros(99), "p99.9", r.micros(99.9),
                    "max", r.latency().getMaxValue() / 1e3));
                m.put("comparedWith", r.against());
                m.put("ratio", r.against() == null ? null : stats(r.ratio()));
                final List<Object> runs = new ArrayList<>();
                for (final Measurement x : r.runs()) {
                    final Map<String, Object> run = new LinkedHashMap<>();
                    run.put("ops", x.ops());
                    run.put("bytes", x.bytes());
                    run.put("nanos", x.nanos());
                    run.put("opsPerSecond", x.opsPerSecond());
                    run.put("p50Micros", x.latency().getValueAtPercentile(50) / 1e3);
                    run.put("p99Micros", x.latency().getValueAtPercentile(99) / 1e3);
                    run.put("counters", x.extras());
                    runs.add(run);
                }
                m.put("runs", runs);
                rows.add(m);
            }
        }
        root.put("results", rows);
        final List<Object> targets = new ArrayList<>();
        for (final Target t : report.targets()) {
            final Map<String, Object> m = new LinkedHashMap<>();
            m.put("goal", t.goal());
            m.put("measured", t.measured());
            m.put("bound", t.bound());
            m.put("value", stats(t.value()));
            m.put("verdict", t.verdict());
            targets.add(m);
        }
        root.put("targets", targets);
        final List<Object> scale = new ArrayList<>();
        for (final ScaleRow s : report.scale()) {
            final Map<String, Object> m = new LinkedHashMap<>();
            m.put("blocks", s.blocks());
            m.put("blockSize", s.blockSize());
            m.put("dirtyBlocks", s.dirtyBlocks());
            m.put("formatMillis", s.formatMillis());
            m.put("mappingMillis", s.mappingMillis());
            m.put("openMillis", s.openMillis());
            m.put("metadataBytesPerBlock", s.metadataBytesPerBlock());
            final Map<String, Object> ops = new LinkedHashMap<>();
            s.opsPerSecond().forEach((k, v) -> ops.put(Integer.toString(k), v));
            m.put("opsPerSecondByThreads", ops);
            scale.add(m);
        }
        root.put("scale", scale);
        return root;
    }

    private static Map<String, Object> stats(final Stats s) {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("median", s.median());
        m.put("min", s.min());
        m.put("max", s.max());
        return m;
    }

    /** @return the tables of the report as markdown. */
    public static String markdown(final Report report) {
        final StringBuilder b = new StringBuilder("# writecache bench\n\n");
        report.setup().forEach((k, v) -> b.append("- ").append(k).append(": ").append(v).append('\n'));
        b.append('\n');
        if (!report.targets().isEmpty()) {
            b.append("## Targets\n\n| target | measured as | figure, median (min-max) | bound | verdict |\n")
                .append("|---|---|---|---|---|\n");
            for (final Target t : report.targets()) {
                b.append("| ").append(t.goal()).append(" | ").append(t.measured()).append(" | ").append(t.figure())
                    .append(" | ").append(t.bound()).append(" | ").append(t.verdict()).append(" |\n");
            }
            b.append('\n');
        }
        if (report.summary() != null) {
            table(b, "Cache workloads", report.summary().rows().stream().filter(r -> !r.baseline()).toList(), true);
            table(b, "Baselines (no cache logic)", report.summary().rows().stream().filter(Row::baseline).toList(),
                false);
        }
        if (!report.scale().isEmpty()) {
            b.append("## Scale\n\n| blocks | block size | dirty at open | format ms | mapping ms | open ms "
                + "| metadata B/block | random write ops/s by threads |\n|---:|---:|---:|---:|---:|---:|---:|---|\n");
            for (final ScaleRow s : report.scale()) {
                final StringBuilder ops = new StringBuilder();
                s.opsPerSecond().forEach((t, v) -> ops.append(ops.isEmpty() ? "" : ", ").append(t).append(": ")
                    .append(Format.number(v)));
                b.append("| ").append(s.blocks()).append(" | ").append(s.blockSize()).append(" | ")
                    .append(s.dirtyBlocks()).append(" | ").append(Format.number(s.formatMillis())).append(" | ")
                    .append(Format.number(s.mappingMillis())).append(" | ").append(Format.number(s.openMillis()))
                    .append(" | ").append(Format.number(s.metadataBytesPerBlock())).append(" | ").append(ops)
                    .append(" |\n");
            }
            b.append('\n');
        }
        return b.toString();
    }

    private static void table(final StringBuilder b, final String title, final List<Row> rows,
                              final boolean ratios) {
        if (rows.isEmpty()) {
            return;
        }
        b.append("## ").append(title).append("\n\n| workload | configuration | ops/s, median (min-max) | MB/s "
            + "| p50 µs | p99 µs | p99.9 µs |").append(ratios ? " ratio to baseline, median (min-max) | baseline |"
            : "").append('\n').append("|---|---|---:|---:|---:|---:|---:|").append(ratios ? "---:|---|" : "")
            .append('\n');
        for (final Row r : rows) {
            b.append("| ").append(r.name()).append(" | ").append(r.paramLabel()).append(" | ")
                .append(Format.spread(r.ops())).append(" | ").append(Format.number(r.megabytes().median()))
                .append(" | ").append(Format.number(r.micros(50))).append(" | ").append(Format.number(r.micros(99)))
                .append(" | ").append(Format.number(r.micros(99.9))).append(" |");
            if (ratios) {
                b.append(' ').append(r.against() == null ? "-" : Format.spread(r.ratio()) + "x").append(" | ")
                    .append(r.against() == null ? "-" : r.against()).append(" |");
            }
            b.append('\n');
        }
        b.append('\n');
    }

    /** @return the report as one self-contained HTML page with inline SVG charts. */
    public static String html(final Report report) {
        final StringBuilder b = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
            + "<title>writecache bench</title><style>body{font-family:sans-serif;margin:2em;max-width:1100px}"
            + "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;"
            + "font-size:13px}td{text-align:right}td:first-child,td:nth-child(2){text-align:left}"
            + ".met{color:#2a2}.not{color:#c22}</style></head><body>\n<h1>writecache bench</h1>\n<ul>\n");
        report.setup().forEach((k, v) -> b.append("<li>").append(Svg.escape(k)).append(": ")
            .append(Svg.escape(v)).append("</li>\n"));
        b.append("</ul>\n");
        if (!report.targets().isEmpty()) {
            b.append("<h2>Targets</h2>\n<table><tr><th>target</th><th>measured as</th><th>figure</th><th>bound</th>"
                + "<th>verdict</th></tr>\n");
            for (final Target t : report.targets()) {
                final Boolean met = t.met();
                b.append("<tr><td>").append(Svg.escape(t.goal())).append("</td><td>").append(Svg.escape(t.measured()))
                    .append("</td><td>").append(Svg.escape(t.figure())).append("</td><td>")
                    .append(Svg.escape(t.bound())).append("</td><td class=\"")
                    .append(met == null ? "" : met ? "met" : "not").append("\">").append(t.verdict())
                    .append("</td></tr>\n");
            }
            b.append("</table>\n");
        }
        if (report.summary() != null) {
            b.append("<h2>Latency percentiles</h2>\n");
            final Map<String, Map<String, Histogram>> byName = new LinkedHashMap<>();
            for (final Row r : report.summary().rows()) {
                if (r.runs().get(0).ops() > 1) {
                    byName.computeIfAbsent(r.baseline() ? "baselines" : r.name(), k -> new LinkedHashMap<>())
                        .put(r.baseline() ? r.key() : r.paramLabel(), r.latency());
                }
            }
            byName.forEach((name, series) -> b.append(Svg.percentiles(name + ": latency by percentile", series)));
            b.append("<h2>Throughput by wait policy and thread count</h2>\n");
            for (final String name : List.of("burst-idle", "rand-write-autocommit", "cached-read")) {
                b.append(throughput(report.summary(), name));
            }
            b.append("<h2>Tables</h2>\n");
            b.append(markdownTablesAsHtml(report));
        }
        if (!report.scale().isEmpty()) {
            b.append("<h2>Scale</h2>\n");
            final List<String> groups = report.scale().stream().map(s -> Long.toString(s.blocks())).toList();
            final Map<String, double[]> open = new LinkedHashMap<>();
            open.put("open ms", report.scale().stream().mapToDouble(ScaleRow::openMillis).toArray());
            open.put("mapping ms", report.scale().stream().mapToDouble(ScaleRow::mappingMillis).toArray());
            b.append(Svg.bars("open time by cache blocks", groups, open, "ms"));
            final Map<String, double[]> ops = new TreeMap<>();
            for (int i = 0; i < report.scale().size(); i++) {
                final int at = i;
                report.scale().get(i).opsPerSecond().forEach((t, v) -> ops.computeIfAbsent("threads=" + t,
                    k -> nanArray(groups.size()))[at] = v);
            }
            b.append(Svg.bars("random write ops/s by cache blocks", groups, ops, "ops/s"));
        }
        return b.append("</body></html>\n").toString();
    }

    private static String throughput(final Summary summary, final String name) {
        final List<Row> rows = summary.rows().stream().filter(r -> r.name().equals(name)).toList();
        final List<String> groups = rows.stream().map(r -> "threads=" + r.params().get("threads")).distinct()
            .toList();
        final Map<String, double[]> series = new LinkedHashMap<>();
        for (final Row r : rows) {
            final Map<String, String> rest = new TreeMap<>(r.params());
            rest.remove("threads");
            final String label = rest.isEmpty() ? name : rest.toString().replaceAll("[{}]", "");
            series.computeIfAbsent(label, k -> nanArray(groups.size()))[groups.indexOf(
                "threads=" + r.params().get("threads"))] = r.ops().median();
        }
        return Svg.bars(name + ": ops/s (median of runs)", groups, series, "ops/s");
    }

    private static double[] nanArray(final int n) {
        final double[] a = new double[n];
        java.util.Arrays.fill(a, Double.NaN);
        return a;
    }

    private static String markdownTablesAsHtml(final Report report) {
        final StringBuilder b = new StringBuilder();
        boolean inTable = false;
        for (final String line : markdown(new Report(Map.of(), report.summary(), List.of(), List.of())).split("\n")) {
            if (line.startsWith("## ")) {
                b.append("<h3>").append(Svg.escape(line.substring(3))).append("</h3>\n");
            } else if (line.startsWith("|---")) {
                continue;
            } else if (line.startsWith("|")) {
                if (!inTable) {
                    b.append("<table>\n");
                    inTable = true;
                }
                b.append("<tr>");
                final String[] cells = line.substring(1, line.length() - 1).split("\\|");
                for (final String c : cells) {
                    b.append("<td>").append(Svg.escape(c.trim())).append("</td>");
                }
                b.append("</tr>\n");
            } else if (inTable) {
                b.append("</table>\n");
                inTable = false;
            }
        }
        if (inTable) {
            b.append("</table>\n");
        }
        return b.toString();
    }
}
