package org.writecache.crash;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

import org.agrona.concurrent.CachedNanoClock;
import org.writecache.WriteCache;
import org.writecache.WriteCacheConfig;
import org.writecache.format.CacheLayout;
import org.writecache.format.DataChecksum;
import org.writecache.pmem.crash.CrashPlan;
import org.writecache.pmem.crash.CrashSimulatingMemory;
import org.writecache.pmem.crash.CutPoints;
import org.writecache.pmem.crash.Tearing;

/**
 * A small cache on a {@link CrashSimulatingMemory} in front of a {@link CrashAwareDevice}, driven one operation at a
 * time, every operation recorded in a {@link CrashOracle} with the event counts at which it started and returned.
 *
 * <p>Nothing runs in the background and the clock only moves when told ({@link #ageCommit}), so a seeded run
 * ({@link #random}) is the same run every time: the same log, so replay strings from one run rebuild images in the
 * next.
 */
final class CrashWorkload {
    static final int BLOCK_SIZE = 512;
    private static final Duration AUTOCOMMIT_TIME = Duration.ofSeconds(1);

    final long seed;
    final WriteCacheConfig config;
    final CrashSimulatingMemory memory;
    final CrashAwareDevice device;
    final CrashOracle oracle;
    final int cacheBlocks;
    final int deviceBlocks;
    /** The event count when format returned: a crash before it may leave no cache at all. */
    final long formatted;
    private final CachedNanoClock clock = new CachedNanoClock();
    private final UnclosableMemory view;
    private final StringBuilder trace = new StringBuilder();
    private final String origin;
    private WriteCache cache;
    private int nextVersion = 1;
    private int operations;
    private int interfered;

    /**
     * Formats a cache of {@code cacheBlocks} blocks of 512 bytes, with data checksums {@code checksum}, in front of a
     * device of {@code deviceBlocks} blocks holding version 0 of every block.
     */
    CrashWorkload(final long seed, final DataChecksum checksum, final int cacheBlocks, final int deviceBlocks,
                  final int autocommitBlocks, final int highWatermark, final int lowWatermark,
                  final int writebackJobs, final boolean writebackFua) {
        this.seed = seed;
        this.cacheBlocks = cacheBlocks;
        this.deviceBlocks = deviceBlocks;
        final long region = CacheLayout.regionSize(cacheBlocks, BLOCK_SIZE, checksum);
        this.config = WriteCacheConfig.builder()
            .cacheFile(Path.of("crash-simulation")).cacheSize(region)
            .backingSize((long) deviceBlocks * BLOCK_SIZE).blockSize(BLOCK_SIZE).dataChecksum(checksum)
            .autocommitBlocks(autocommitBlocks).autocommitTime(AUTOCOMMIT_TIME)
            .highWatermark(highWatermark).lowWatermark(lowWatermark).writebackJobs(writebackJobs)
            .writebackFua(writebackFua).writeTimeout(Duration.ofSeconds(10)).background(false).clock(clock)
            .build();
        this.memory = new CrashSimulatingMemory(region);
        this.view = new UnclosableMemory(memory);
        final ByteBuffer initial = ByteBuffer.allocate(deviceBlocks * BLOCK_SIZE);
        for (int b = 0; b < deviceBlocks; b++) {
            BlockContent.fill(initial, b * BLOCK_SIZE, BLOCK_SIZE, b, 0);
        }
        this.device = new CrashAwareDevice(initial.array(), memory::eventCount);
        this.oracle = new CrashOracle(deviceBlocks, BLOCK_SIZE);
        this.origin = "";
        try {
            this.cache = WriteCache.format(config, view, device);
            this.formatted = memory.eventCount();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Opens (recovers) the cache in a crash image of {@code crashed}, with its device as that crash left it: a run
     * that continues after a crash. The oracle starts from what the recovered cache reads and the device holds.
     */
    private CrashWorkload(final CrashWorkload crashed, final long cut, final byte[] image, final byte[] deviceImage)
        throws IOException {
        this.seed = crashed.seed;
        this.cacheBlocks = crashed.cacheBlocks;
        this.deviceBlocks = crashed.deviceBlocks;
        this.config = crashed.config.toBuilder().clock(clock).build();
        final int[] onDevice = versions(deviceImage, "the device");
        final int[] initial;
        try (WriteCache recovered = WriteCache.open(config, new CrashSimulatingMemory(image.clone()),
            new CrashAwareDevice(deviceImage, () -> 0))) {
            final byte[] all = new byte[deviceImage.length];
            recovered.read(0, ByteBuffer.wrap(all));
            initial = versions(all, "the recovered cache");
        }
        this.memory = new CrashSimulatingMemory(image);
        this.view = new UnclosableMemory(memory);
        this.device = new CrashAwareDevice(deviceImage, memory::eventCount);
        this.oracle = new CrashOracle(initial, onDevice, BLOCK_SIZE);
        this.nextVersion = crashed.nextVersion;
        this.origin = " continued from cut " + cut + " of the first run,";
        this.formatted = 0;
        this.cache = WriteCache.open(config, view, device);
    }

    private int[] versions(final byte[] data, final String what) {
        final int[] out = new int[deviceBlocks];
        for (int b = 0; b < deviceBlocks; b++) {
            out[b] = BlockContent.versionOf(data, b * BLOCK_SIZE, BLOCK_SIZE, b);
            if (out[b] == BlockContent.INVALID) {
                throw new AssertionError("seed " + seed + ": block " + b + " of " + what + " is torn or foreign");
            }
        }
        return out;
    }

    /**
     * A random workload of {@code operations} operations from {@code seed}: writes (often to a few hot blocks, so
     * committed and uncommitted blocks are overwritten), multi-block and FUA writes, flushes, discards, watermark
     * writeback through {@code doWork()}, commits by age, full writebacks, overwrites and discards of blocks while
     * they are being written back, and one close and reopen halfway.
     */
    static CrashWorkload random(final long seed, final int operations) throws IOException {
        final Random r = new Random(seed);
        final int cacheBlocks = 16 << r.nextInt(3);
        final int high = 40 + r.nextInt(50);
        final CrashWorkload w = new CrashWorkload(seed, checksumOf(seed), cacheBlocks, cacheBlocks * 2,
            2 + r.nextInt(8), high, high - 5 - r.nextInt(30), 1 + r.nextInt(8), r.nextInt(4) == 0);
        w.drive(r, operations);
        return w;
    }

    /**
     * @return the format a seed's run uses: seeds 0 to 3 (mod 8) data checksums (format version 2), 4 to 7 none
     *     (version 1), so that every few seeds cover both versions, first and continued runs and both cut modes.
     */
    static DataChecksum checksumOf(final long seed) {
        return (seed / 4) % 2 == 0 ? DataChecksum.CRC32C : DataChecksum.NONE;
    }

    /**
     * The run that continues after a crash: {@link #random} from {@code seed}, a crash image of it picked by the seed
     * (after format, often holding entries written but not committed; the backing device with its synced writes
     * only), then another {@code operations} random
     * operations on the recovered cache.
     */
    static CrashWorkload continued(final long seed, final int operations) throws IOException {
        final CrashWorkload first = random(seed, operations);
        final Random r = new Random(~seed);
        final long target = first.formatted + r.nextInt((int) (first.memory.eventCount() - first.formatted));
        final int skip = r.nextInt(8);
        final byte[][] picked = new byte[1][];
        final long[] cut = {-1};
        final int[] seen = {0};
        first.memory.forEachCrashImage(new CrashPlan(CutPoints.FENCES, Tearing.LINE, 16, 4, seed), image -> {
            if (picked[0] == null && image.cut() >= target && seen[0]++ == skip) {
                picked[0] = new byte[(int) image.memory().size()];
                image.memory().copyTo(0, picked[0], 0, picked[0].length);
                cut[0] = image.cut();
            }
        });
        final CrashWorkload w = new CrashWorkload(first, cut[0], picked[0], first.device.durableImageAt(cut[0], null));
        w.drive(r, operations);
        return w;
    }

    private void drive(final Random r, final int count) throws IOException {
        for (int op = 0; op < count; op++) {
            if (op == count / 2) {
                reopen();
                continue;
            }
            final int kind = r.nextInt(100);
            final int block = r.nextInt(3) == 0 ? r.nextInt(6) : r.nextInt(deviceBlocks);
            if (kind < 45) {
                write(block, 1, false);
            } else if (kind < 55) {
                write(block, Math.min(2 + r.nextInt(5), deviceBlocks - block), false);
            } else if (kind < 63) {
                write(block, 1 + r.nextInt(2) * Math.min(r.nextInt(4), deviceBlocks - block - 1), true);
            } else if (kind < 71) {
                flush();
            } else if (kind < 78) {
                discard(block, Math.min(1 + r.nextInt(4), deviceBlocks - block));
            } else if (kind < 92) {
                doWork();
            } else if (kind < 95) {
                ageCommit();
            } else if (kind < 97) {
                writeback();
            } else {
                interfereWithWriteback(r);
            }
        }
        close();
    }

    private long events() {
        return memory.eventCount();
    }

    /** Writes new versions of {@code count} blocks from {@code first}, first making room if the cache is full. */
    void write(final int first, final int count, final boolean fua) throws IOException {
        makeRoom(count);
        writeWithoutRoom(first, count, fua);
    }

    private void writeWithoutRoom(final int first, final int count, final boolean fua) throws IOException {
        final ByteBuffer buf = ByteBuffer.allocate(count * BLOCK_SIZE);
        final int[] versions = new int[count];
        for (int i = 0; i < count; i++) {
            versions[i] = nextVersion++;
            BlockContent.fill(buf, i * BLOCK_SIZE, BLOCK_SIZE, first + i, versions[i]);
        }
        final long seqBefore = cache.status().seqCount();
        final long start = events();
        cache.write((long) first * BLOCK_SIZE, buf, fua);
        final long ack = events();
        for (int i = 0; i < count; i++) {
            oracle.write(first + i, versions[i], start, ack);
        }
        if (fua) {
            oracle.durable(ack, ack, cache.status().seqCount());
        } else if (cache.status().seqCount() != seqBefore) {
            oracle.durable(count == 1 ? ack : start, ack, cache.status().seqCount());
        }
        log("write " + first + "+" + count + (fua ? " fua" : "") + " v" + versions[0], start, ack);
    }

    /**
     * Runs a full or watermark writeback during whose first device write the block being written back is overwritten
     * (if a free block is left) or discarded.
     */
    void interfereWithWriteback(final Random r) throws IOException {
        final boolean full = r.nextBoolean();
        final boolean overwrite = r.nextBoolean();
        device.interceptNextWrite(offset -> {
            final int block = (int) (offset / BLOCK_SIZE);
            interfered++;
            try {
                if (overwrite && cache.status().freeBlocks() > 0) {
                    writeWithoutRoom(block, 1, false);
                } else {
                    discard(block, 1);
                }
            } catch (final IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        if (full) {
            writeback();
        } else {
            doWork();
        }
        device.interceptNextWrite(null);
    }

    private void makeRoom(final int count) throws IOException {
        while (cache.status().freeBlocks() < count) {
            if (doWork() == 0) {
                flush();
                if (cache.status().freeBlocks() < count) {
                    writeback();
                }
            }
        }
    }

    void flush() throws IOException {
        final long start = events();
        cache.flush();
        final long ack = events();
        oracle.durable(ack, ack, cache.status().seqCount());
        log("flush", start, ack);
    }

    void discard(final int first, final int count) throws IOException {
        final long start = events();
        cache.discard((long) first * BLOCK_SIZE, (long) count * BLOCK_SIZE);
        for (int i = 0; i < count; i++) {
            oracle.discard(first + i, start);
        }
        log("discard " + first + "+" + count, start, events());
    }

    /** Background work as the cache decides it (watermark writeback, commit by age). */
    int doWork() throws IOException {
        final long seqBefore = cache.status().seqCount();
        final long start = events();
        final int work = cache.doWork();
        final long ack = events();
        if (cache.status().seqCount() != seqBefore) {
            oracle.durable(start, ack, cache.status().seqCount());
        }
        log("doWork " + work, start, ack);
        return work;
    }

    /** Lets the autocommit time pass, then runs the background work, which commits by age. */
    void ageCommit() throws IOException {
        clock.advance(AUTOCOMMIT_TIME.toNanos() + 1);
        doWork();
    }

    void writeback() throws IOException {
        final long start = events();
        final long n = cache.writeback();
        final long ack = events();
        oracle.durable(ack, ack, cache.status().seqCount());
        log("writeback " + n, start, ack);
    }

    /** Closes the cache (a commit) and opens it again on the same memory and device: recovery runs. */
    void reopen() throws IOException {
        final long start = events();
        cache.close();
        final long closed = events();
        oracle.durable(closed, closed, cache.status().seqCount());
        cache = WriteCache.open(config, view, device);
        log("close and reopen", start, events());
    }

    void close() throws IOException {
        final long start = events();
        cache.close();
        final long ack = events();
        oracle.durable(ack, ack, cache.status().seqCount());
        log("close", start, ack);
    }

    private void log(final String what, final long start, final long ack) {
        operations++;
        trace.append("  [").append(start).append(", ").append(ack).append(") ").append(what).append('\n');
    }

    /** @return a one-line summary of the run. */
    String summary() {
        return "seed " + seed + ":" + origin + " format version " + config.dataChecksum().formatVersion() + " (data "
            + "checksum " + config.dataChecksum().label() + "), " + cacheBlocks + " cache blocks, " + deviceBlocks
            + " device blocks, "
            + operations + " operations, " + oracle.writeCount() + " block writes, " + oracle.durabilityPoints()
            + " durability points, " + device.syncCount() + " device syncs, " + interfered
            + " writebacks interfered with, " + memory.eventCount() + " events";
    }

    /** @return every operation with the event counts at which it started and returned. */
    String trace() {
        return trace.toString();
    }
}
