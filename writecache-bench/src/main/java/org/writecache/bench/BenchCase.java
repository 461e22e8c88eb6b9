package org.writecache.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.writecache.WaitPolicy;
import org.writecache.bench.baseline.Baselines;
import org.writecache.bench.workload.Workload;
import org.writecache.format.DataChecksum;
import org.writecache.pmem.FlushPolicy;
import org.writecache.pmem.PmemBackend;

/**
 * One cache configuration the bench times: a workload with a thread count, wait policy and flush policy.
 *
 * @param workload  what to run
 * @param threads   writer/reader threads
 * @param waitPolicy the freelist wait policy; shown in the results only when {@code showWait}
 * @param flush     the flush policy of the cache file
 * @param showWait  whether the wait policy distinguishes this case (the freelist-bound workloads)
 * @param backend   the persistent-memory backend mapping the cache file
 * @param checksum  the data checksum the cache is formatted with
 */
record BenchCase(Workload workload, int threads, WaitPolicy waitPolicy, FlushPolicy flush, boolean showWait,
                 PmemBackend backend, DataChecksum checksum) {

    /** A case with the default data checksum. */
    BenchCase(final Workload workload, final int threads, final WaitPolicy waitPolicy, final FlushPolicy flush,
              final boolean showWait, final PmemBackend backend) {
        this(workload, threads, waitPolicy, flush, showWait, backend, DataChecksum.DEFAULT);
    }

    /** @return the same case on a cache formatted with {@code other} data checksums. */
    BenchCase with(final DataChecksum other) {
        return new BenchCase(workload, threads, waitPolicy, flush, showWait, backend, other);
    }

    /** @return the parameters recorded with the measurement. */
    Map<String, String> params() {
        final Map<String, String> p = new LinkedHashMap<>();
        p.put("threads", Integer.toString(threads));
        p.put("flush", Baselines.label(flush));
        p.put("backend", backend.name().toLowerCase(java.util.Locale.ROOT));
        p.put("checksum", checksum.label());
        if (showWait) {
            p.put("wait", waitPolicy.label());
        }
        return p;
    }

    @Override
    public String toString() {
        return workload.name() + " " + params();
    }

    /**
     * @return the cases in the order run {@code run} (from 1) takes them: as planned in odd runs; in even runs each
     *     case without data checksums goes just before its twin with them instead of after it, so that neither of a
     *     compared pair always runs second (a case leaves the backing file and the page cache busy for the next).
     */
    static List<BenchCase> runOrder(final List<BenchCase> cases, final int run) {
        if (run % 2 == 1) {
            return cases;
        }
        final List<BenchCase> out = new ArrayList<>(cases);
        for (final BenchCase c : cases) {
            if (c.checksum() == DataChecksum.NONE && out.contains(c.with(DataChecksum.DEFAULT))) {
                out.remove(c);
                out.add(out.indexOf(c.with(DataChecksum.DEFAULT)), c);
            }
        }
        return out;
    }
}
