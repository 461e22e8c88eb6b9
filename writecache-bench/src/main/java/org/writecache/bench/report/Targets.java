package org.writecache.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.writecache.bench.baseline.Baselines;
import org.writecache.bench.harness.Measurement;
import org.writecache.format.DataChecksum;
import org.writecache.pmem.PmemBackend;

/** The project's performance targets, judged from one bench run's measured ratios. */
public final class Targets {
    /** JMH benchmarks (regex) of an uncontended freelist allocate + free. */
    public static final String JMH_FREELIST = "(?i)^(?!.*semaphore).*FreeList.*(alloc|take|acquire)";
    /** JMH benchmarks (regex) of an uncontended Semaphore acquire + release. */
    public static final String JMH_SEMAPHORE = "(?i)semaphore";

    private Targets() {
    }

    /**
     * @param summary        the folded runs.
     * @param backend        the backend every workload ran with.
     * @param primaryFlush   the flush policy label most workloads ran with.
     * @param flushPolicies  every flush policy label the durable workloads ran with.
     * @param facts          figures measured outside the workloads.
     */
    public static List<Target> evaluate(final Summary summary, final PmemBackend backend, final String primaryFlush,
                                        final List<String> flushPolicies, final Facts facts) {
        final List<Target> out = new ArrayList<>();
        for (final String flush : flushPolicies) {
            final String durable = Measurement.key("rand-write-fua", params(1, flush, backend));
            out.add(new Target("durable 4 KiB random write, 1 writer, FUA each (" + flush
                + "): >= 200x backing write+force", durable + " / " + Baselines.FILE_WRITE_FORCE,
                summary.ratio(durable, Measurement.key(Baselines.FILE_WRITE_FORCE, Map.of())), 200, true, "x"));
            out.add(new Target("durable 4 KiB random write, 1 writer, FUA each (" + flush
                + "): >= 85% of the bare commit protocol", durable + " / " + Baselines.COMMIT + " flush=" + flush,
                summary.ratio(durable, Measurement.key(Baselines.COMMIT, Map.of("flush", flush))), 0.85, true,
                "x"));
        }
        final String seq = Measurement.key("seq-write-autocommit", params(1, primaryFlush, backend));
        out.add(new Target("streaming 4 KiB writes with autocommit: >= 75% of sequential copy",
            seq + " / " + Baselines.COPY_SEQ,
            summary.ratio(seq, Measurement.key(Baselines.COPY_SEQ, Map.of())), 0.75, true, "x"));
        final String read = Measurement.key("cached-read", params(1, primaryFlush, backend));
        out.add(new Target("cached read: >= 2x backing positional read", read + " / " + Baselines.FILE_READ,
            summary.ratio(read, Measurement.key(Baselines.FILE_READ, Map.of())), 2, true, "x"));
        out.add(new Target("cached read: >= 85% of a read from the mapping", read + " / " + Baselines.PMEM_READ,
            summary.ratio(read, Measurement.key(Baselines.PMEM_READ, Map.of())), 0.85, true, "x"));
        final String wb = Measurement.key("writeback", params(1, primaryFlush, backend));
        out.add(new Target("writeback: >= 80% of backing sequential write bandwidth",
            wb + " / " + Baselines.FILE_SEQ_WRITE,
            summary.ratio(wb, Measurement.key(Baselines.FILE_SEQ_WRITE, Map.of())), 0.8, true, "x"));
        checksumTargets(out, summary, backend, primaryFlush, flushPolicies);
        final double free = facts.jmh().nanosPerOp(JMH_FREELIST);
        final double sem = facts.jmh().nanosPerOp(JMH_SEMAPHORE);
        out.add(new Target("uncontended allocate+free no slower than Semaphore acquire+release",
            facts.jmh().rows().isEmpty() ? "not measured: no JMH result file (--jmh-results)"
                : "JMH: freelist " + Format.number(free) + " ns / semaphore " + Format.number(sem) + " ns",
            Stats.of(Double.isNaN(free) || Double.isNaN(sem) ? List.of() : List.of(free / sem)), 1, false, "x"));
        out.add(new Target("metadata <= 24 bytes per cache block", "WriteCache.metadataBytesPerBlock()",
            Stats.of(Double.isNaN(facts.metadataBytesPerBlock()) ? List.of()
                : List.of(facts.metadataBytesPerBlock())), 24, false, " B"));
        out.add(new Target("open of a 1-million-block cache <= 100 ms plus mapping",
            facts.openBlocks() == 0 ? "not measured"
                : "open of " + facts.openBlocks() + " blocks minus mapping (" + Format.spread(facts.mappingMillis())
                    + " ms)", facts.openMillis(), 100, false, " ms"));
        return out;
    }

    /** What data checksums may cost: each workload with them against the same workload without, in one run. */
    private static void checksumTargets(final List<Target> out, final Summary summary, final PmemBackend backend,
                                        final String primaryFlush, final List<String> flushPolicies) {
        for (final String flush : flushPolicies) {
            out.add(against("FUA random write with data checksums (" + flush + "): >= 0.80 of it without", summary,
                "rand-write-fua", flush, backend, 0.8));
        }
        out.add(against("cached read verifying data checksums: >= 0.80 of it without", summary, "cached-read",
            primaryFlush, backend, 0.8));
        out.add(against("writeback verifying data checksums: >= 0.90 of it without", summary, "writeback",
            primaryFlush, backend, 0.9));
    }

    private static Target against(final String goal, final Summary summary, final String workload,
                                  final String flush, final PmemBackend backend, final double bound) {
        final String with = Measurement.key(workload, params(1, flush, backend, DataChecksum.CRC32C));
        final String without = Measurement.key(workload, params(1, flush, backend, DataChecksum.NONE));
        return new Target(goal, with + " / checksum=none", summary.ratio(with, without), bound, true, "x");
    }

    /**
     * @return the parameters of a cache workload run with {@code threads}, {@code flush} and {@code backend} on a
     *     cache with the default data checksum.
     */
    public static Map<String, String> params(final int threads, final String flush, final PmemBackend backend) {
        return params(threads, flush, backend, DataChecksum.DEFAULT);
    }

    /** @return the parameters of a cache workload run with these settings. */
    public static Map<String, String> params(final int threads, final String flush, final PmemBackend backend,
                                             final DataChecksum checksum) {
        final Map<String, String> p = new LinkedHashMap<>();
        p.put("threads", Integer.toString(threads));
        p.put("flush", flush);
        p.put("backend", backend.name().toLowerCase(java.util.Locale.ROOT));
        p.put("checksum", checksum.label());
        return p;
    }
}
