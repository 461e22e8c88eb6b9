package org.writecache;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.Objects;

import javax.management.ObjectName;

import org.writecache.format.CacheLayout;
import org.writecache.freelist.Parker;
import org.writecache.freelist.WaitStats;
import org.writecache.pmem.PersistentMemory;
import org.writecache.stats.Counters;
import org.writecache.stats.CountersFile;

/**
 * A write-back block cache on persistent memory in front of a slower backing device.
 *
 * <p>Writes are acknowledged once their data is in the cache; they are <em>durable</em> once committed: when a
 * write with {@code fua} returns, when {@link #flush()} returns, or after an autocommit ({@code autocommit.blocks}
 * writes or {@code autocommit.time}). A background thread writes the oldest committed blocks back to the backing
 * device when the cache fills past its high watermark. Reads of cached blocks are served from the cache, all others
 * from the backing device.
 *
 * <p>Addresses are byte offsets into the device; offsets and lengths must be multiples of {@link #blockSize()}.
 * Thread safe.
 *
 * <p>While open, a cache publishes its counters in {@code <cache file>.counters} (read by {@code writecache status}
 * from another process) and registers a {@link WriteCacheMXBean} as
 * {@code org.writecache:type=WriteCache,name=<cache file>}.
 *
 * <pre>{@code
 * WriteCacheConfig config = WriteCacheConfig.builder()
 *     .cacheFile(Path.of("/dev/shm/cache.wc")).cacheSize(256L << 20)
 *     .backingFile(Path.of("/var/data/disk.img")).backingSize(4L << 30)
 *     .build();
 * try (WriteCache cache = WriteCache.format(config)) {
 *     cache.write(0, ByteBuffer.wrap(block), true);   // durable on return
 * }
 * }</pre>
 */
public final class WriteCache implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(WriteCache.class.getName());

    private final WriteCacheConfig config;
    private final PersistentMemory memory;
    private final BlockDevice device;
    private final CacheEngine engine;
    private final CountersFile countersFile;
    private final Thread background;
    private final ObjectName jmxName;
    private volatile boolean stopping;

    private WriteCache(final WriteCacheConfig config, final PersistentMemory memory, final BlockDevice device,
                       final CacheEngine engine, final CountersFile countersFile) {
        this.config = config;
        this.memory = memory;
        this.device = device;
        this.engine = engine;
        this.countersFile = countersFile;
        this.jmxName = WriteCacheMXBeanAdapter.register(this);
        if (config.background()) {
            background = Thread.ofPlatform().daemon().name("writecache-writeback").start(this::runBackground);
        } else {
            background = null;
        }
    }

    /**
     * Formats a new cache in {@code config.cacheFile()} in front of the device at {@code config.backingLocation()}
     * (a local file, or a URI a {@link BlockDeviceProvider} opens), atomically: the new cache is built and made
     * durable in a file beside the cache file and renamed over it only when complete, so a format that dies half way
     * leaves the cache file as it was. Creates a local backing file if it does not exist ({@code backing.size} bytes)
     * or sizes an empty one; never extends one that holds data.
     *
     * @throws IOException if the cache file holds anything (a valid cache or another file) and {@code format.force} is
     *                     not set, if either file is locked by another cache, if there is not enough space for the
     *                     cache file, or on I/O failure; nothing is changed then.
     * @throws IllegalArgumentException if the backing file is the cache file, or the sizes do not fit.
     */
    public static WriteCache format(final WriteCacheConfig config) throws IOException {
        final CacheFiles.Opened files = CacheFiles.format(config);
        return start(config, files.memory(), files.device(), Start.FORMATTED, Parker.LOCK_SUPPORT);
    }

    /**
     * Opens the cache in {@code config.cacheFile()} and recovers its state. Never creates or resizes a file.
     *
     * @throws CorruptCacheException if the file is not a cache, was formatted with another block size, or its
     *                               metadata is corrupt.
     * @throws IOException if the backing file is missing, or its size (or {@code backing.size}) is not the size the
     *                     cache was formatted for, naming both sizes; if either file is locked by another cache.
     */
    public static WriteCache open(final WriteCacheConfig config) throws IOException {
        final CacheFiles.Opened files = CacheFiles.open(config);
        return start(config, files.memory(), files.device(), false, Parker.LOCK_SUPPORT);
    }

    /**
     * Formats a cache in the given persistent memory in front of the given device; the cache owns and closes both.
     * For embedders that bring their own memory or device (and for fault injection and crash simulation).
     */
    public static WriteCache format(final WriteCacheConfig config, final PersistentMemory memory,
                                    final BlockDevice device) throws IOException {
        return start(config, memory, device, true, Parker.LOCK_SUPPORT);
    }

    /** Opens the cache held in the given persistent memory; the cache owns and closes both. */
    public static WriteCache open(final WriteCacheConfig config, final PersistentMemory memory,
                                  final BlockDevice device) throws IOException {
        return start(config, memory, device, false, Parker.LOCK_SUPPORT);
    }

    static WriteCache start(final WriteCacheConfig config, final PersistentMemory pm, final BlockDevice device,
                            final boolean format, final Parker parker) throws IOException {
        return start(config, pm, device, format ? Start.FORMAT : Start.OPEN, parker);
    }

    /** How {@link #start} comes by the layout: writes it, reads it, or reads the one a format has just written. */
    enum Start {
        /** Format the memory, then open. */
        FORMAT,
        /** Open what the memory holds. */
        OPEN,
        /** Open what a format (of the cache file, {@link CacheFiles}) has just written; logged as a format. */
        FORMATTED
    }

    static WriteCache start(final WriteCacheConfig config, final PersistentMemory pm, final BlockDevice device,
                            final Start how, final Parker parker) throws IOException {
        Objects.requireNonNull(config, "config");
        CountersFile counters = null;
        try {
            final CacheLayout layout;
            if (how == Start.FORMAT) {
                layout = formatLayout(config, pm, device);
            } else {
                layout = CacheLayout.open(pm, config.startOffset(), config.blockSize());
                if (device.size() < layout.deviceSize()) {
                    throw new CorruptCacheException("backing device " + device.describe() + " is smaller than the "
                        + layout.deviceSize() + " bytes the cache was formatted for");
                }
            }
            counters = createCountersFile(config);
            final CacheEngine engine = new CacheEngine(config, layout, device, parker,
                counters == null ? new Counters() : counters.counters());
            final Recovery.Result r = engine.recovery();
            LOG.log(Level.INFO, "{0} {1}: {2} blocks of {3} bytes, {4} dirty, {5} uncommitted dropped, "
                    + "{6} duplicates resolved{7}",
                how == Start.OPEN ? "opened" : "formatted", pm.describe(), String.valueOf(layout.blockCount()),
                String.valueOf(layout.blockSize()), String.valueOf(r.committed()), String.valueOf(r.uncommitted()),
                String.valueOf(r.duplicates()), r.error() == null ? "" : ", ERROR: " + r.error());
            return new WriteCache(config, pm, device, engine, counters);
        } catch (final IOException | RuntimeException e) {
            if (counters != null) {
                counters.close();
            }
            pm.close();
            device.close();
            throw e;
        }
    }

    /** Writes an empty cache for {@code device} into {@code pm}, durably, magic last. */
    static CacheLayout formatLayout(final WriteCacheConfig config, final PersistentMemory pm,
                                    final BlockDevice device) {
        final long deviceBlocks = device.size() / config.blockSize();
        if (deviceBlocks < 1 || deviceBlocks > CacheLayout.MAX_DEVICE_BLOCKS - 1) {
            throw new IllegalArgumentException("backing device of " + device.size() + " bytes must hold 1 to "
                + (CacheLayout.MAX_DEVICE_BLOCKS - 1) + " blocks of " + config.blockSize());
        }
        final long n = CacheLayout.blocksThatFit(pm.size() - config.startOffset(), config.blockSize(),
            config.dataChecksum());
        if (n < 1) {
            throw new IllegalArgumentException("cache region of " + (pm.size() - config.startOffset())
                + " bytes is smaller than its metadata plus one block of " + config.blockSize());
        }
        return CacheLayout.format(pm, config.startOffset(), config.blockSize(), (int) n, device.size(),
            config.dataChecksum());
    }

    /** @return the counters file next to the cache file, or null (logged) if it cannot be created there. */
    private static CountersFile createCountersFile(final WriteCacheConfig config) {
        try {
            return CountersFile.create(config.cacheFile(), config.fileMode());
        } catch (final IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "no counters file for " + config.cacheFile() + " (" + e
                + "): status is readable through the API and JMX only");
            return null;
        }
    }


    /** @return the block size in bytes. */
    public int blockSize() {
        return engine.blockSize();
    }

    /** @return the number of cache blocks. */
    public int cacheBlocks() {
        return engine.blocks();
    }

    /** @return the size of the device the cache exposes, in bytes: the backing device size rounded down to blocks. */
    public long size() {
        return engine.deviceSize();
    }

    /** @return the configuration this cache runs with. */
    public WriteCacheConfig config() {
        return config;
    }

    /**
     * Reads {@code dst.remaining()} bytes at {@code offset}: from the cache where cached, else from the backing device.
     *
     * @throws IllegalArgumentException if the range is not block aligned or lies beyond the device.
     * @throws DataChecksumException    if a cached block fails its data checksum (format version 2): no byte of that
     *                                  block is copied into {@code dst}; blocks before it in the range may be.
     */
    public void read(final long offset, final ByteBuffer dst) throws IOException {
        checkRange(offset, dst.remaining());
        engine.read(offset, dst);
    }

    /**
     * Writes {@code src.remaining()} bytes at {@code offset} into the cache.
     *
     * @param fua if true, the write (and every earlier one) is committed and durable when this returns.
     * @throws IllegalArgumentException if the range is not block aligned or lies beyond the device.
     * @throws WriteCacheException      if the cache is closed or in the error state, or the wait for a free block
     *                                  timed out.
     */
    public void write(final long offset, final ByteBuffer src, final boolean fua) throws IOException {
        checkRange(offset, src.remaining());
        engine.write(offset, src, fua);
    }

    /** Commits every write so far: when this returns they are durable in the cache. */
    public void flush() throws IOException {
        engine.flush(true);
    }

    /**
     * Drops the cached contents of a range, then tells the backing device the range is no longer needed
     * ({@link BlockDevice#discard}: TRIM on an NBD export that offers it, nothing on a file): afterwards it reads as
     * whatever the backing device holds. Not a write of zeros.
     */
    public void discard(final long offset, final long length) throws IOException {
        checkRange(offset, length);
        engine.discard(offset, length);
        device.discard(offset, length);
    }

    /**
     * Commits, writes every dirty block back and waits until the backing device holds them durably.
     *
     * @return the number of blocks written back.
     * @throws DataChecksumException after writing back everything else, if blocks failed their data checksum: they
     *                               stay in the cache as bad blocks ({@link #badBlocks()}), never written back.
     */
    public long writeback() throws IOException {
        return engine.writebackAll(FlushProgress.NONE);
    }

    /**
     * {@link #writeback()} reporting progress after each batch. Finishes at once on a clean cache, without touching
     * the backing device. A backing write that fails ends it with a {@link WriteCacheException} naming the byte and
     * sector range, and puts the cache in the error state (errors are sticky, nothing is retried). Blocks that fail
     * their data checksum end it with a {@link DataChecksumException} after the rest is written back, as in
     * {@link #writeback()}.
     *
     * @return the number of blocks written back.
     */
    public long writeback(final FlushProgress progress) throws IOException {
        return engine.writebackAll(Objects.requireNonNull(progress, "progress"));
    }

    /**
     * Turns cleaner mode on or off (dm-writecache's {@code cleaner} message turns it on): while on, every dirty block
     * is written back and new writes go straight to the backing device (counted as writes around), dropping any
     * cached copy of what they overwrite.
     */
    public void cleaner(final boolean on) {
        engine.cleaner(on);
    }

    /**
     * Runs the background work that is due (autocommit by age, one writeback batch above the high watermark). For
     * caches configured without a background thread; harmless with one.
     *
     * @return blocks committed or written back; 0 when idle.
     */
    public int doWork() throws IOException {
        return engine.doWork();
    }

    /** @return a snapshot of the cache's state and counters. */
    public CacheStatus status() {
        return engine.status();
    }

    /**
     * @return the device blocks whose cached copies failed their data checksum and are kept as bad blocks: never
     *     written back, every read of them fails with {@link DataChecksumException} until the block is overwritten or
     *     discarded. Ascending; empty on a healthy cache or one without data checksums.
     */
    public long[] badBlocks() {
        return engine.badBlocks();
    }

    /** @return how writers have waited for free blocks under the configured {@link WaitPolicy}. */
    public WaitStats waitStats() {
        return engine.waitStats();
    }

    /** Zeroes the event counters (dm-writecache's {@code clear_stats}). */
    public void clearStats() {
        engine.clearStats();
    }

    /** @return heap bytes of metadata per cache block (index, state, freelist). */
    public double metadataBytesPerBlock() {
        return engine.metadataBytesPerBlock();
    }

    private void checkRange(final long offset, final long length) {
        final long mask = engine.blockSize() - 1;
        if (offset < 0 || (offset & mask) != 0 || (length & mask) != 0 || length < 0) {
            throw new IllegalArgumentException("offset " + offset + " and length " + length
                + " must be non-negative multiples of the block size " + engine.blockSize());
        }
        if (offset > engine.deviceSize() - length) {
            throw new IllegalArgumentException("range [" + offset + ", " + (offset + length)
                + ") lies beyond the end of the device (" + engine.deviceSize() + " bytes)");
        }
    }

    private void runBackground() {
        final long idle = Math.min(config.autocommitTime().toNanos(), 100_000_000L);
        while (!stopping) {
            try {
                if (engine.doWork() == 0) {
                    engine.awaitWork(idle);
                }
            } catch (final WriteCacheException e) {
                if (!engine.isClosed()) {
                    LOG.log(Level.ERROR, "writeback stopped: " + e.getMessage(), e);
                }
                return;
            } catch (final IOException | RuntimeException e) {
                LOG.log(Level.ERROR, "writeback failed", e);
                return;
            } catch (final InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Commits what is uncommitted, writes every dirty block back if {@code writeback.flush.on.close} is set (dm's
     * flush_on_suspend), stops writeback, and releases the cache file and the backing device.
     */
    @Override
    public void close() throws IOException {
        WriteCacheMXBeanAdapter.unregister(jmxName);
        IOException flushFailure = null;
        if (config.flushOnClose() && !engine.isClosed()) {
            try {
                engine.writebackAll(FlushProgress.NONE);
            } catch (final IOException e) {
                flushFailure = e;
                LOG.log(Level.ERROR, "writeback on close failed: " + e.getMessage(), e);
            }
        }
        stopping = true;
        engine.close();
        if (background != null) {
            try {
                background.join();
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            if (countersFile != null) {
                countersFile.close();
            }
            memory.close();
        } finally {
            device.close();
        }
        if (flushFailure != null) {
            throw flushFailure;
        }
    }
}
