package org.writecache.bench.wakeup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Writes shoot-out results and verdicts as JSON ({@code wakeup.json}) and markdown tables ({@code wakeup.md}). */
final class Report {
    /** Name of the JSON file. */
    static final String JSON = "wakeup.json";
    /** Name of the markdown file. */
    static final String MARKDOWN = "wakeup.md";

    private Report() {
    }

    static void write(final Path dir, final String settings, final List<Result> results,
                      final List<Verdicts.Verdict> verdicts, final List<String> unjudged) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(JSON), json(settings, results, verdicts));
        Files.writeString(dir.resolve(MARKDOWN), markdown(settings, results, verdicts, unjudged));
    }

    static String json(final String settings, final List<Result> results, final List<Verdicts.Verdict> verdicts) {
        final StringBuilder sb = new StringBuilder("{\n  \"settings\": \"").append(settings).append("\",\n");
        sb.append("  \"results\": [\n");
        for (int i = 0; i < results.size(); i++) {
            final Result r = results.get(i);
            sb.append(String.format(Locale.ROOT, "    {\"pool\": \"%s\", \"writers\": %d, \"maxNeed\": %d, "
                    + "\"seconds\": %.3f, \"allocations\": %d, \"needMet\": %d, \"waitP50Nanos\": %d, "
                    + "\"waitP99Nanos\": %d, \"waitP999Nanos\": %d, \"waitMaxNanos\": %d, "
                    + "\"allocationsPerSecond\": %.1f, \"cpuNanosPerAllocation\": %.1f, \"wakeups\": %d, "
                    + "\"futileWakeups\": %d, \"strandedNanos\": %d, \"longestBlipNanos\": %d, \"stuckAtEnd\": %d}%s%n",
                r.pool(), r.writers(), r.maxNeed(), r.seconds(), r.allocations(), r.needMet(), r.waitP50(),
                r.waitP99(), r.waitP999(), r.waitMax(), r.perSecond(), r.cpuPerAllocation(), r.wakeups(),
                r.futileWakeups(), r.stranded(), r.longestBlip(), r.stuckAtEnd(), i + 1 < results.size() ? "," : ""));
        }
        sb.append("  ],\n  \"verdicts\": [\n");
        for (int i = 0; i < verdicts.size(); i++) {
            final Verdicts.Verdict v = verdicts.get(i);
            sb.append(String.format(Locale.ROOT, "    {\"target\": \"%s\", \"met\": %b, \"detail\": \"%s\"}%s%n",
                v.target(), v.met(), v.detail(), i + 1 < verdicts.size() ? "," : ""));
        }
        return sb.append("  ]\n}\n").toString();
    }

    static String markdown(final String settings, final List<Result> results, final List<Verdicts.Verdict> verdicts,
                           final List<String> unjudged) {
        final StringBuilder sb = new StringBuilder("# Freelist wakeup shoot-out\n\n").append(settings).append("\n\n");
        sb.append("Wait times in microseconds from request to blocks (fast path included); CPU is writers plus ")
            .append("releaser per allocation; stranded: a parked waiter sat next to free blocks that would serve it; ")
            .append("stuck: writers still waiting after the releaser ran dry. `-` is not applicable (JDK peer, or ")
            .append("statistics off).\n");
        results.stream().mapToInt(Result::maxNeed).distinct().sorted().forEach(need -> {
            sb.append("\n## ").append(need == 1 ? "One block per allocation" : "1 to " + need + " blocks per allocation")
                .append("\n\n");
            sb.append("| pool | writers | alloc/s | p50 µs | p99 µs | p99.9 µs | max µs | CPU ns/alloc | wakeups ")
                .append("| futile | stranded ms | longest blip µs | stuck |\n");
            sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (final Result r : results) {
                if (r.maxNeed() != need) {
                    continue;
                }
                final boolean own = r.stranded() >= 0 && !r.pool().endsWith("(stats off)");
                sb.append(String.format(Locale.ROOT,
                    "| %s | %d | %,.0f | %.1f | %.1f | %.1f | %.1f | %,.0f | %s | %s | %s | %s | %d |%n",
                    r.pool(), r.writers(), r.perSecond(), r.waitP50() / 1e3, r.waitP99() / 1e3, r.waitP999() / 1e3,
                    r.waitMax() / 1e3, r.cpuPerAllocation(), opt(own, r.wakeups(), 1), opt(own, r.futileWakeups(), 1),
                    opt(own, r.stranded(), 1e6), opt(own, r.longestBlip(), 1e3), r.stuckAtEnd()));
            }
        });
        sb.append("\n## Targets, judged from this run\n\n");
        for (final Verdicts.Verdict v : verdicts) {
            sb.append("- **").append(v.met() ? "met" : "MISSED").append("** ").append(v.target()).append(": ")
                .append(v.detail()).append('\n');
        }
        for (final String u : unjudged) {
            sb.append("- not judged: ").append(u).append('\n');
        }
        return sb.toString();
    }

    private static String opt(final boolean applies, final long v, final double scale) {
        if (!applies || v < 0) {
            return "-";
        }
        return scale == 1 ? String.format(Locale.ROOT, "%,d", v) : String.format(Locale.ROOT, "%,.1f", v / scale);
    }
}
