package org.writecache.bench.scale;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.writecache.WriteCache;
import org.writecache.WriteCacheConfig;
import org.writecache.bench.ScratchFiles;
import org.writecache.bench.harness.Measurement;
import org.writecache.bench.harness.Progress;
import org.writecache.bench.harness.Runner;
import org.writecache.bench.report.ScaleRow;
import org.writecache.bench.workload.RandomWrite;
import org.writecache.bench.workload.Shape;
import org.writecache.bench.workload.Workload;
import org.writecache.format.CacheLayout;
import org.writecache.pmem.FlushPolicy;
import org.writecache.pmem.MappedPersistentMemory;

/**
 * How the cache scales with its size: for each block count (512-byte blocks), format, fill part of it, close, then
 * time mapping alone and a full open with recovery, read the metadata per block, and time random writes with
 * autocommit at each thread count. Sizes that do not fit in the free memory are skipped with a note.
 */
public final class ScaleBench {
    /** Block size of every scaled cache. */
    public static final int BLOCK_SIZE = 512;
    /** Most blocks written before reopening (keeps the fill to a few seconds at 10^7 blocks). */
    public static final long MAX_FILL = 1_000_000;

    private final Path cacheFile;
    private final String backing;
    /** The backing file when {@link #backing} is a local path, else null. */
    private final Path localBacking;
    private final List<Long> sizes;
    private final List<Integer> threads;
    private final FlushPolicy flush;
    private final Runner runner;
    private final PrintStream console;
    private final ScratchFiles scratch;

    /**
     * @param cacheFile   cache file (deleted after each size if the bench created it).
     * @param backing     backing device, a file (sparse; sized for the largest cache) or a URI.
     * @param sizes       block counts.
     * @param threads     writer thread counts for the throughput figure.
     * @param flush       flush policy.
     * @param runner      times the writes.
     * @param console     where skipped sizes are reported.
     * @param scratch     the bench's files, where both files are claimed: the backing file is extended (sparsely) as
     *                    the sizes need, the cache file released after each size.
     */
    public ScaleBench(final Path cacheFile, final String backing, final List<Long> sizes,
                      final List<Integer> threads, final FlushPolicy flush, final Runner runner,
                      final PrintStream console, final ScratchFiles scratch) {
        this.cacheFile = cacheFile;
        this.backing = backing;
        this.localBacking = WriteCacheConfig.builder().cacheFile(cacheFile).backingLocation(backing).build()
            .backingFile();
        this.sizes = List.copyOf(sizes);
        this.threads = List.copyOf(threads);
        this.flush = flush;
        this.runner = runner;
        this.console = console;
        this.scratch = scratch;
    }

    /** Runs every size. */
    public List<ScaleRow> run(final Progress progress) throws IOException {
        progress.plan(sizes.size());
        final List<ScaleRow> rows = new ArrayList<>();
        for (final long blocks : sizes) {
            progress.step("scale", blocks + " blocks of " + BLOCK_SIZE + " bytes");
            final long bytes = CacheLayout.regionSize(blocks, BLOCK_SIZE);
            final long free = Math.min(availableMemory(), Files.getFileStore(cacheFile.toAbsolutePath().getParent())
                .getUsableSpace());
            if (bytes > free / 2) {
                console.println("  skipped: " + bytes + " bytes would use more than half of the " + free
                    + " bytes free");
                continue;
            }
            try {
                rows.add(one(blocks, bytes));
            } finally {
                scratch.release(cacheFile);
            }
        }
        return rows;
    }

    private ScaleRow one(final long blocks, final long bytes) throws IOException {
        final long device = Math.max(64L << 20, 2 * blocks * BLOCK_SIZE);
        if (localBacking != null) {
            scratch.extend(localBacking, device);
        }
        final WriteCacheConfig config = WriteCacheConfig.builder().cacheFile(cacheFile).cacheSize(bytes)
            .backingLocation(backing).backingSize(device)
            .blockSize(BLOCK_SIZE).flushPolicy(flush).background(false).forceFormat(true).prefault(true).build();
        final long fill = Math.min(MAX_FILL, (long) (blocks * Shape.WORKING_SET_FRACTION));
        long t = System.nanoTime();
        try (WriteCache wc = WriteCache.format(config)) {
            t = System.nanoTime() - t;
            Workload.fill(wc, fill);
        }
        final double formatMillis = t / 1e6;
        long m = System.nanoTime();
        final MappedPersistentMemory pm = MappedPersistentMemory.open(cacheFile, flush, false);
        m = System.nanoTime() - m;
        pm.close();
        final WriteCacheConfig reopen = config.toBuilder().prefault(false).background(true).build();
        long o = System.nanoTime();
        try (WriteCache wc = WriteCache.open(reopen)) {
            o = System.nanoTime() - o;
            final double metadata = wc.metadataBytesPerBlock();
            final Shape shape = Shape.of(wc.blockSize(), wc.cacheBlocks(), wc.size() / wc.blockSize());
            final Map<Integer, Double> ops = new LinkedHashMap<>();
            for (final int n : threads) {
                final RandomWrite w = new RandomWrite(false);
                final Measurement x = runner.measure(w.name(), Map.of("blocks", Long.toString(blocks)), n,
                    w.operations(wc, shape));
                ops.put(n, x.opsPerSecond());
            }
            return new ScaleRow(wc.cacheBlocks(), BLOCK_SIZE, fill, formatMillis, m / 1e6, o / 1e6, metadata, ops);
        }
    }

    private static long availableMemory() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemAvailable"))
                .findFirst().map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024).orElse(Long.MAX_VALUE);
        } catch (final IOException e) {
            return Long.MAX_VALUE;
        }
    }
}
