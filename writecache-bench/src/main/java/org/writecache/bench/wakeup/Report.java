package org.writecache.bench.wakeup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Writes shoot-out results as JSON ({@code wakeup.json}) and a readable markdown table ({@code wakeup.md}). */
final class Report {
    /** Name of the JSON file. */
    static final String JSON = "wakeup.json";
    /** Name of the markdown file. */
    static final String MARKDOWN = "wakeup.md";

    private Report() {
    }

    static void write(final Path dir, final String settings, final List<Result> results) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(JSON), json(settings, results));
        Files.writeString(dir.resolve(MARKDOWN), markdown(settings, results));
    }

    static String json(final String settings, final List<Result> results) {
        final StringBuilder sb = new StringBuilder("{\n  \"settings\": \"").append(settings).append("\",\n");
        sb.append("  \"results\": [\n");
        for (int i = 0; i < results.size(); i++) {
            final Result r = results.get(i);
            sb.append(String.format(Locale.ROOT, "    {\"pool\": \"%s\", \"writers\": %d, \"seconds\": %.3f, "
                    + "\"allocations\": %d, \"needMet\": %d, \"waitP50Nanos\": %d, \"waitP99Nanos\": %d, "
                    + "\"waitP999Nanos\": %d, \"waitMaxNanos\": %d, \"allocationsPerSecond\": %.1f, "
                    + "\"cpuNanosPerAllocation\": %.1f, \"wakeups\": %d, \"futileWakeups\": %d, "
                    + "\"strandedNanos\": %d, \"longestBlipNanos\": %d, \"stuckAtEnd\": %d}%s%n",
                r.pool(), r.writers(), r.seconds(), r.allocations(), r.needMet(), r.waitP50(), r.waitP99(),
                r.waitP999(), r.waitMax(), r.perSecond(), r.cpuPerAllocation(), r.wakeups(), r.futileWakeups(),
                r.stranded(), r.longestBlip(), r.stuckAtEnd(), i + 1 < results.size() ? "," : ""));
        }
        return sb.append("  ]\n}\n").toString();
    }

    static String markdown(final String settings, final List<Result> results) {
        final StringBuilder sb = new StringBuilder("# Freelist wakeup shoot-out\n\n").append(settings).append("\n\n");
        sb.append("Wait times in microseconds from request to block (fast path included); CPU is writers plus ")
            .append("releaser per allocation; stranded: a parked waiter sat next to free blocks that would serve it; ")
            .append("stuck: writers still waiting after the releaser ran dry. `-` is not applicable (JDK peer).\n\n");
        sb.append("| pool | writers | alloc/s | p50 µs | p99 µs | p99.9 µs | max µs | CPU ns/alloc | wakeups | futile ")
            .append("| stranded ms | longest blip µs | stuck |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (final Result r : results) {
            sb.append(String.format(Locale.ROOT, "| %s | %d | %,.0f | %.1f | %.1f | %.1f | %.1f | %,.0f | %s | %s | %s | %s | %d |%n",
                r.pool(), r.writers(), r.perSecond(), r.waitP50() / 1e3, r.waitP99() / 1e3, r.waitP999() / 1e3,
                r.waitMax() / 1e3, r.cpuPerAllocation(), opt(r.wakeups(), 1), opt(r.futileWakeups(), 1),
                opt(r.stranded(), 1e6), opt(r.longestBlip(), 1e3), r.stuckAtEnd()));
        }
        return sb.toString();
    }

    private static String opt(final long v, final double scale) {
        if (v < 0) {
            return "-";
        }
        return scale == 1 ? String.format(Locale.ROOT, "%,d", v) : String.format(Locale.ROOT, "%,.1f", v / scale);
    }
}
