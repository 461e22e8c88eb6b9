package org.writecache.bench.report;

import java.util.LinkedHashMap;
import java.util.Map;

import org.writecache.bench.baseline.Baselines;
import org.writecache.bench.harness.Measurement;

/** Which baseline each cache workload is read against: the ceiling it cannot beat, or the device it replaces. */
public final class Comparisons {
    private Comparisons() {
    }

    /** @return the key of the baseline of {@code m}, or null for a baseline or a workload without one. */
    public static String baselineKey(final Measurement m) {
        final String flush = m.params().get("flush");
        return switch (m.name()) {
            case "seq-write-fua", "rand-write-fua" -> Measurement.key(Baselines.COMMIT, flush(flush));
            case "seq-write-autocommit" -> Measurement.key(Baselines.COPY_SEQ, Map.of());
            case "rand-write-autocommit", "zipf-overwrite", "mix-70-30" ->
                Measurement.key(Baselines.COPY_RAND, Map.of());
            case "cached-read" -> Measurement.key(Baselines.PMEM_READ, Map.of());
            case "burst-idle" -> Measurement.key(Baselines.FILE_WRITE, Map.of());
            case "sustained-write", "writeback" -> Measurement.key(Baselines.FILE_SEQ_WRITE, Map.of());
            default -> null;
        };
    }

    private static Map<String, String> flush(final String flush) {
        final Map<String, String> p = new LinkedHashMap<>();
        if (flush != null) {
            p.put("flush", flush);
        }
        return p;
    }
}
