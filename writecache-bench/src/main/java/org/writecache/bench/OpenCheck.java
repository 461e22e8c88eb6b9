package org.writecache.bench;

import java.io.IOException;
import java.nio.file.Path;

import org.writecache.WriteCache;
import org.writecache.WriteCacheConfig;
import org.writecache.bench.workload.Workload;
import org.writecache.format.CacheLayout;
import org.writecache.pmem.FlushPolicy;
import org.writecache.pmem.MappedPersistentMemory;

/**
 * Times the open of a large cache: formats it once with half its blocks dirty and committed, then on each
 * {@link #measure()} times mapping the file alone and a full open (mapping, layout check, recovery).
 */
final class OpenCheck implements AutoCloseable {
    /** Block size of the measured cache: the smallest, so a million blocks take 512 MiB. */
    static final int BLOCK_SIZE = 512;

    private final Path file;
    private final FlushPolicy flush;
    private final WriteCacheConfig config;
    private final ScratchFiles scratch;
    private boolean formatted;

    OpenCheck(final Path file, final String backing, final long blocks, final long backingSize,
              final FlushPolicy flush, final ScratchFiles scratch) {
        this.file = file;
        this.scratch = scratch;
        this.flush = flush;
        this.config = WriteCacheConfig.builder().cacheFile(file)
            .cacheSize(CacheLayout.regionSize(blocks, BLOCK_SIZE)).backingLocation(backing).backingSize(backingSize)
            .blockSize(BLOCK_SIZE).flushPolicy(flush).background(false).forceFormat(true).prefault(false).build();
    }

    /** @return mapping milliseconds, open milliseconds, metadata bytes per block. */
    double[] measure() throws IOException {
        if (!formatted) {
            try (WriteCache wc = WriteCache.format(config.toBuilder().prefault(true).build())) {
                Workload.fill(wc, wc.cacheBlocks() / 2);
            }
            formatted = true;
        }
        long t0 = System.nanoTime();
        final MappedPersistentMemory pm = MappedPersistentMemory.open(file, flush, false);
        t0 = System.nanoTime() - t0;
        pm.close();
        long t1 = System.nanoTime();
        final double metadata;
        try (WriteCache wc = WriteCache.open(config)) {
            t1 = System.nanoTime() - t1;
            metadata = wc.metadataBytesPerBlock();
        }
        return new double[] {t0 / 1e6, t1 / 1e6, metadata};
    }

    @Override
    public void close() throws IOException {
        scratch.release(file);
    }
}
