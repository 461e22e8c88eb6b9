package org.writecache.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Figures read back from a JMH result file in CSV form ({@code -rf csv}), converted to nanoseconds per operation.
 *
 * @param rows every benchmark of the file with its time per operation
 */
public record JmhResults(List<Entry> rows) {

    /**
     * One benchmark.
     *
     * @param benchmark    the fully qualified benchmark method, with its parameters
     * @param nanosPerOp   time per operation in nanoseconds
     */
    public record Entry(String benchmark, double nanosPerOp) {
    }

    /** @return the results in {@code csv}, or an empty set if the file does not exist. */
    public static JmhResults read(final Path csv) throws IOException {
        final List<Entry> rows = new ArrayList<>();
        if (csv == null || !Files.exists(csv)) {
            return new JmhResults(rows);
        }
        final List<String> lines = Files.readAllLines(csv);
        if (lines.isEmpty()) {
            return new JmhResults(rows);
        }
        final List<String> header = split(lines.get(0));
        final int bench = header.indexOf("Benchmark");
        final int score = header.indexOf("Score");
        final int unit = header.indexOf("Unit");
        if (bench < 0 || score < 0 || unit < 0) {
            throw new IOException(csv + " is not a JMH CSV result file (header " + header + ")");
        }
        for (final String line : lines.subList(1, lines.size())) {
            final List<String> f = split(line);
            if (f.size() <= Math.max(bench, Math.max(score, unit))) {
                continue;
            }
            final StringBuilder name = new StringBuilder(f.get(bench));
            for (int i = unit + 1; i < f.size() && i < header.size(); i++) {
                name.append(' ').append(header.get(i).replace("Param: ", "")).append('=').append(f.get(i));
            }
            final double ns = toNanosPerOp(Double.parseDouble(f.get(score).replace(',', '.')), f.get(unit));
            if (!Double.isNaN(ns)) {
                rows.add(new Entry(name.toString(), ns));
            }
        }
        return new JmhResults(rows);
    }

    /** @return the fastest time per operation among benchmarks matching {@code regex}, or NaN. */
    public double nanosPerOp(final String regex) {
        final Pattern p = Pattern.compile(regex);
        return rows.stream().filter(e -> p.matcher(e.benchmark()).find()).mapToDouble(Entry::nanosPerOp).min()
            .orElse(Double.NaN);
    }

    static double toNanosPerOp(final double score, final String unit) {
        final String u = unit.toLowerCase(Locale.ROOT);
        final String[] parts = u.split("/");
        if (parts.length != 2) {
            return Double.NaN;
        }
        if (parts[1].equals("op")) {
            return score * nanos(parts[0]);
        }
        if (parts[0].equals("ops") && score > 0) {
            return nanos(parts[1]) / score;
        }
        return Double.NaN;
    }

    private static double nanos(final String unit) {
        return switch (unit) {
            case "ns" -> 1;
            case "us" -> 1e3;
            case "ms" -> 1e6;
            case "s" -> 1e9;
            default -> Double.NaN;
        };
    }

    private static List<String> split(final String line) {
        final List<String> out = new ArrayList<>();
        final StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            final char c = line.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }
}
