package org.writecache.bench.nbd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;
import org.writecache.BlockDevice;
import org.writecache.WriteCache;
import org.writecache.WriteCacheConfig;
import org.writecache.nbd.client.NbdBlockDevice;
import org.writecache.nbd.client.NbdClientSettings;
import org.writecache.nbd.client.NbdUri;
import org.writecache.pmem.MappedPersistentMemory;

/**
 * The four measurements of {@code writecache nbd-bench}, each against one NBD export: 4 KiB FUA writes straight to the
 * export and through a cache in front of it, and the bandwidth of writing back a full cache against {@code nbdcopy}
 * of the same bytes into the same export.
 */
final class NbdMeasurements {
    static final int BS = 4096;

    /**
     * Durable writes: operations per second and latency percentiles in microseconds.
     *
     * @param opsPerSecond completed writes per second.
     * @param p50Micros    median latency.
     * @param p99Micros    99th percentile latency.
     * @param ops          writes completed.
     */
    record Durable(double opsPerSecond, double p50Micros, double p99Micros, long ops) {
    }

    private final NbdUri uri;
    private final long deviceSize;
    private final Path cacheFile;
    private final long cacheSize;
    private final long durationNanos;

    NbdMeasurements(final NbdUri uri, final long deviceSize, final Path cacheFile, final long cacheSize,
                    final long durationNanos) {
        this.uri = uri;
        this.deviceSize = deviceSize;
        this.cacheFile = cacheFile;
        this.cacheSize = cacheSize;
        this.durationNanos = durationNanos;
    }

    private BlockDevice device(final int windowBlocks) throws IOException {
        return NbdBlockDevice.open(uri, NbdClientSettings.of(BS, windowBlocks), deviceSize);
    }

    private WriteCacheConfig.Builder config() {
        return WriteCacheConfig.builder().cacheFile(cacheFile).cacheSize(cacheSize).backingSize(deviceSize)
            .forceFormat(true);
    }

    private static WriteCache format(final WriteCacheConfig c, final BlockDevice device) throws IOException {
        return WriteCache.format(c, MappedPersistentMemory.create(c.cacheFile(), c.cacheSize(), c.flushPolicy(),
            c.prefault()), device);
    }

    /** The region the durable writes touch: 40% of the cache, so writeback never runs during them. */
    private long region(final WriteCache c) {
        return Math.max(1, (long) c.cacheBlocks() * 2 / 5) * BS;
    }

    /** 4 KiB writes at random block offsets, each FUA, straight to the export (one at a time). */
    Durable directFua(final long regionBytes) throws IOException {
        try (BlockDevice d = device(1)) {
            return timed(regionBytes, (offset, data) -> d.writeFua(offset, data));
        }
    }

    /** The same writes through a cache on persistent memory in front of the export, each FUA. */
    Durable cacheFua() throws IOException {
        try (WriteCache c = format(config().build(), device(1024))) {
            return timed(region(c), (offset, data) -> c.write(offset, data, true));
        }
    }

    /** @return the bytes the durable writes touch, for the direct measurement to use the same region. */
    long durableRegion() throws IOException {
        try (WriteCache c = format(config().background(false).build(), device(1))) {
            return region(c);
        }
    }

    /**
     * Fills the cache with {@code bytes} of contiguous writes from offset 0 (no writeback meanwhile), then times
     * {@link WriteCache#writeback()}: every block written to the export and flushed.
     *
     * @return bytes per second.
     */
    double writeback(final long bytes, final int jobs) throws IOException {
        final WriteCacheConfig c = config().background(false).highWatermark(100).lowWatermark(100)
            .autocommitBlocks(Integer.MAX_VALUE).writebackJobs(jobs).build();
        try (WriteCache cache = format(c, device(jobs))) {
            final ByteBuffer chunk = ByteBuffer.allocate(1 << 20);
            new SplittableRandom(7).nextBytes(chunk.array());
            for (long at = 0; at < bytes; at += chunk.capacity()) {
                cache.write(at, chunk.clear().limit((int) Math.min(chunk.capacity(), bytes - at)), false);
            }
            cache.flush();
            final long start = System.nanoTime();
            final long blocks = cache.writeback();
            final long nanos = System.nanoTime() - start;
            if (blocks != bytes / BS) {
                throw new IllegalStateException("wrote back " + blocks + " blocks, expected " + bytes / BS);
            }
            return bytes * 1e9 / nanos;
        }
    }

    /** {@code nbdcopy --flush source uri}: the bytes of {@code source} into the export; @return bytes per second. */
    double nbdcopy(final Path source) throws IOException, InterruptedException {
        final List<String> cmd = List.of("nbdcopy", "--flush", source.toString(), uri.toString());
        final Path log = Files.createTempFile("nbdcopy", ".log");
        try {
            final long start = System.nanoTime();
            final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + " failed: " + Files.readString(log));
            }
            return Files.size(source) * 1e9 / (System.nanoTime() - start);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** One durable write. */
    @FunctionalInterface
    private interface Write {
        void write(long offset, ByteBuffer data) throws IOException;
    }

    /**
     * Runs {@code write} at random block offsets of the region, one at a time: a third of the duration (at most a
     * second) to warm up, unrecorded, then the duration, recording each latency.
     */
    private Durable timed(final long regionBytes, final Write write) throws IOException {
        final long blocks = regionBytes / BS;
        final SplittableRandom rnd = new SplittableRandom(11);
        final ByteBuffer data = ByteBuffer.allocateDirect(BS);
        final Histogram h = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        final long warm = System.nanoTime() + Math.min(durationNanos / 3, TimeUnit.SECONDS.toNanos(1));
        for (long i = 0; System.nanoTime() < warm; i++) {
            write.write(rnd.nextLong(blocks) * BS, data.clear().putLong(0, -i));
        }
        final long end = System.nanoTime() + durationNanos;
        long ops = 0;
        long now = System.nanoTime();
        final long start = now;
        while (now < end) {
            data.clear().putLong(0, ops);
            final long offset = rnd.nextLong(blocks) * BS;
            write.write(offset, data);
            final long after = System.nanoTime();
            h.recordValue(Math.min(after - now, h.getHighestTrackableValue()));
            now = after;
            ops++;
        }
        final double seconds = (now - start) / 1e9;
        return new Durable(ops / seconds, h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3, ops);
    }
}
