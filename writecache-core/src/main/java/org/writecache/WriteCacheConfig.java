package org.writecache;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;

import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.writecache.format.CacheLayout;
import org.writecache.pmem.FlushPolicy;
import org.writecache.writeback.WritebackPipeline;
import org.writecache.pmem.PmemBackend;

/**
 * Every setting of a cache, validated in one place ({@link Builder#build()}) before anything runs.
 *
 * <p>Each setting has a property name (used in {@code config/writecache.properties}) and a default. Sizes accept a
 * suffix {@code k}, {@code m}, {@code g} or {@code t} (powers of 1024); durations accept {@code ms}, {@code s},
 * {@code m} or {@code h} and a bare number means milliseconds.
 */
public final class WriteCacheConfig {
    /** Cache file (the persistent memory): a file on tmpfs or a DAX file system. Required. */
    public static final String CACHE_FILE = "cache.file";
    /** Bytes of the cache file when it is formatted. */
    public static final String CACHE_SIZE = "cache.size";
    /** Default cache size: 256 MiB. */
    public static final long CACHE_SIZE_DEFAULT = 256L << 20;
    /** Offset of the cache inside its file, a multiple of 512 (dm-writecache's start_sector, in bytes). */
    public static final String START_OFFSET = "cache.start.offset";
    /** Backing file (the slow device). Required unless a {@link BlockDevice} is given. */
    public static final String BACKING_FILE = "backing.file";
    /** Backing device size in bytes; 0 means the file's current length. */
    public static final String BACKING_SIZE = "backing.size";
    /** Block size in bytes: a power of two from 512 to 65536. */
    public static final String BLOCK_SIZE = "block.size";
    /** Default block size. */
    public static final int BLOCK_SIZE_DEFAULT = 4096;
    /** Writeback starts when more than this percentage of blocks is in use. */
    public static final String HIGH_WATERMARK = "writeback.high.watermark";
    /** Default high watermark (dm-writecache's). */
    public static final int HIGH_WATERMARK_DEFAULT = 50;
    /** Writeback stops when fewer than this percentage of blocks is in use. */
    public static final String LOW_WATERMARK = "writeback.low.watermark";
    /** Default low watermark (dm-writecache's). */
    public static final int LOW_WATERMARK_DEFAULT = 45;
    /** Most blocks in flight to the backing device at once: bounds writeback memory to this many blocks. */
    public static final String WRITEBACK_JOBS = "writeback.jobs";
    /** Default writeback jobs. */
    public static final int WRITEBACK_JOBS_DEFAULT = 1024;
    /** Make backing writes durable with a sync after each batch ({@code true}, dm's fua) or only at flush. */
    public static final String WRITEBACK_FUA = "writeback.fua";
    /** Commit after this many uncommitted block writes. */
    public static final String AUTOCOMMIT_BLOCKS = "autocommit.blocks";
    /** Default autocommit blocks (dm-writecache's for persistent memory). */
    public static final int AUTOCOMMIT_BLOCKS_DEFAULT = 64;
    /** Commit when the oldest uncommitted write is this old. */
    public static final String AUTOCOMMIT_TIME = "autocommit.time";
    /** Default autocommit time. */
    public static final Duration AUTOCOMMIT_TIME_DEFAULT = Duration.ofMillis(1000);
    /** How writers waiting for a free block are woken: see {@link WaitPolicy}. */
    public static final String WAIT_POLICY = "freelist.wait";
    /** Default wait policy: direct hand-off, the lowest tail latency measured and FIFO for multi-block writes. */
    public static final WaitPolicy WAIT_POLICY_DEFAULT = WaitPolicy.DIRECT;
    /** How long a write may wait for a free block before failing; 0 waits as long as it takes. */
    public static final String WRITE_TIMEOUT = "freelist.wait.timeout";
    /**
     * Record how writers wait for free blocks (wait-time histogram, wakeups, stranded time, JFR events; see
     * {@link WriteCache#waitStats()}); false records nothing and costs nothing.
     */
    public static final String FREELIST_STATS = "freelist.stats";
    /** What a flush of persistent memory costs: auto, sync, msync or fence-only. */
    public static final String FLUSH_POLICY = "pmem.flush";
    /** Touch every page of the cache file when it is mapped. */
    public static final String PREFAULT = "pmem.prefault";
    /** Which implementation maps the cache file: ffm (a java.lang.foreign mapping) or chronicle (Chronicle Bytes). */
    public static final String PMEM_BACKEND = "pmem.backend";
    /** Default of {@link #PMEM_BACKEND}. */
    public static final PmemBackend PMEM_BACKEND_DEFAULT = PmemBackend.FFM;
    /** Run writeback and autocommit on a background thread; false leaves them to {@link WriteCache#doWork()}. */
    public static final String BACKGROUND = "writeback.background";
    /** Allow formatting over a file that already holds anything: a valid cache, or any other non-empty file. */
    public static final String FORCE_FORMAT = "format.force";
    /**
     * Write back blocks older than this (dm-writecache's max_age); 0 turns it off. Costs a 4-byte timestamp per cache
     * block, allocated only when set; ages are counted in ticks of max_age/16.
     */
    public static final String MAX_AGE = "writeback.max.age";
    /** Smallest non-zero max age: its tick (max age / 16) is then at least a millisecond. */
    public static final Duration MAX_AGE_MIN = Duration.ofMillis(16);
    /** Write everything back and send new writes around the cache to the backing device (dm-writecache's cleaner). */
    public static final String CLEANER = "writeback.cleaner";
    /** Hold off watermark and max-age writeback until the cache has seen no write for this long; 0 turns it off. */
    public static final String PAUSE = "writeback.pause";
    /** Write every dirty block back when the cache is closed (dm-writecache's flush_on_suspend). */
    public static final String FLUSH_ON_CLOSE = "writeback.flush.on.close";
    /** How writeback runs reach the backing device: sequential or disruptor (see {@link WritebackPipeline.Kind}). */
    public static final String WRITEBACK_PIPELINE = "writeback.pipeline";
    /** Default pipeline. */
    public static final WritebackPipeline.Kind WRITEBACK_PIPELINE_DEFAULT = WritebackPipeline.Kind.SEQUENTIAL;

    /**
     * Permission bits of the files a cache creates: the cache file, its counters file and a backing file that
     * {@code format} creates. Octal, as for chmod. Existing files keep theirs.
     */
    public static final String FILE_MODE = "file.mode";
    /** Default file mode: owner only. */
    public static final Set<PosixFilePermission> FILE_MODE_DEFAULT = PosixFilePermissions.fromString("rw-------");
    /**
     * Allow a cache file on a file system that is neither tmpfs nor DAX: on a disk behind the page cache every flush
     * is an msync, slow, and the cache is no faster than the disk. Refused without it.
     */
    public static final String ALLOW_CACHE_NOT_PMEM = "allow.cache.not.pmem";
    /**
     * Allow {@code pmem.flush=fence-only} for a cache file that is not on tmpfs: stores are then never written back,
     * so the cache is not durable against power loss (nor, on a disk, against a crash of the machine). Refused
     * without it.
     */
    public static final String ALLOW_FENCE_ONLY_NOT_TMPFS = "allow.fence.only.not.tmpfs";
    /**
     * Allow a backing file that is a character device (such as /dev/null): writeback would hand acknowledged data to
     * a device that may keep none of it. Refused without it.
     */
    public static final String ALLOW_BACKING_CHAR_DEVICE = "allow.backing.char.device";

    private static final Set<String> KNOWN = Set.of(FILE_MODE, ALLOW_CACHE_NOT_PMEM, ALLOW_FENCE_ONLY_NOT_TMPFS,
        ALLOW_BACKING_CHAR_DEVICE, CACHE_FILE, CACHE_SIZE, START_OFFSET, BACKING_FILE, BACKING_SIZE,
        BLOCK_SIZE, HIGH_WATERMARK, LOW_WATERMARK, WRITEBACK_JOBS, WRITEBACK_FUA, AUTOCOMMIT_BLOCKS, AUTOCOMMIT_TIME,
        WAIT_POLICY, WRITE_TIMEOUT, FREELIST_STATS, FLUSH_POLICY, PREFAULT, PMEM_BACKEND, BACKGROUND, FORCE_FORMAT, MAX_AGE, CLEANER,
        PAUSE,
        FLUSH_ON_CLOSE, WRITEBACK_PIPELINE);

    private final Path cacheFile;
    private final long cacheSize;
    private final long startOffset;
    private final Path backingFile;
    private final long backingSize;
    private final int blockSize;
    private final int highWatermark;
    private final int lowWatermark;
    private final int writebackJobs;
    private final boolean writebackFua;
    private final int autocommitBlocks;
    private final Duration autocommitTime;
    private final WaitPolicy waitPolicy;
    private final Duration writeTimeout;
    private final boolean freeListStats;
    private final FlushPolicy flushPolicy;
    private final boolean prefault;
    private final PmemBackend pmemBackend;
    private final boolean background;
    private final boolean forceFormat;
    private final Duration maxAge;
    private final boolean cleaner;
    private final Duration pause;
    private final boolean flushOnClose;
    private final WritebackPipeline.Kind writebackPipeline;
    private final Set<PosixFilePermission> fileMode;
    private final boolean allowCacheNotPmem;
    private final boolean allowFenceOnlyNotTmpfs;
    private final boolean allowBackingCharDevice;
    private final NanoClock clock;

    private WriteCacheConfig(final Builder b) {
        cacheFile = b.cacheFile;
        cacheSize = b.cacheSize;
        startOffset = b.startOffset;
        backingFile = b.backingFile;
        backingSize = b.backingSize;
        blockSize = b.blockSize;
        highWatermark = b.highWatermark;
        lowWatermark = b.lowWatermark;
        writebackJobs = b.writebackJobs;
        writebackFua = b.writebackFua;
        autocommitBlocks = b.autocommitBlocks;
        autocommitTime = b.autocommitTime;
        waitPolicy = b.waitPolicy;
        writeTimeout = b.writeTimeout;
        freeListStats = b.freeListStats;
        flushPolicy = b.flushPolicy;
        prefault = b.prefault;
        pmemBackend = b.pmemBackend;
        background = b.background;
        forceFormat = b.forceFormat;
        maxAge = b.maxAge;
        cleaner = b.cleaner;
        pause = b.pause;
        flushOnClose = b.flushOnClose;
        writebackPipeline = b.writebackPipeline;
        fileMode = Set.copyOf(b.fileMode);
        allowCacheNotPmem = b.allowCacheNotPmem;
        allowFenceOnlyNotTmpfs = b.allowFenceOnlyNotTmpfs;
        allowBackingCharDevice = b.allowBackingCharDevice;
        clock = b.clock;
    }

    /** @return a builder holding every default. */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder initialised from this configuration. */
    public Builder toBuilder() {
        final Builder b = new Builder();
        b.cacheFile = cacheFile;
        b.cacheSize = cacheSize;
        b.startOffset = startOffset;
        b.backingFile = backingFile;
        b.backingSize = backingSize;
        b.blockSize = blockSize;
        b.highWatermark = highWatermark;
        b.lowWatermark = lowWatermark;
        b.writebackJobs = writebackJobs;
        b.writebackFua = writebackFua;
        b.autocommitBlocks = autocommitBlocks;
        b.autocommitTime = autocommitTime;
        b.waitPolicy = waitPolicy;
        b.writeTimeout = writeTimeout;
        b.freeListStats = freeListStats;
        b.flushPolicy = flushPolicy;
        b.prefault = prefault;
        b.pmemBackend = pmemBackend;
        b.background = background;
        b.forceFormat = forceFormat;
        b.maxAge = maxAge;
        b.cleaner = cleaner;
        b.pause = pause;
        b.flushOnClose = flushOnClose;
        b.writebackPipeline = writebackPipeline;
        b.fileMode = fileMode;
        b.allowCacheNotPmem = allowCacheNotPmem;
        b.allowFenceOnlyNotTmpfs = allowFenceOnlyNotTmpfs;
        b.allowBackingCharDevice = allowBackingCharDevice;
        b.clock = clock;
        return b;
    }

    /** Reads a properties file (such as {@code config/writecache.properties}) into a builder. */
    public static Builder load(final Path propertiesFile) throws IOException {
        final Properties p = new Properties();
        try (InputStream in = Files.newInputStream(propertiesFile)) {
            p.load(in);
        }
        return builder().apply(p);
    }

    /** @return cache file path. */
    public Path cacheFile() {
        return cacheFile;
    }

    /** @return bytes of the cache file when formatting. */
    public long cacheSize() {
        return cacheSize;
    }

    /** @return offset of the cache in its file. */
    public long startOffset() {
        return startOffset;
    }

    /** @return backing file path, or null when a device is supplied. */
    public Path backingFile() {
        return backingFile;
    }

    /** @return backing size in bytes, 0 for the file's length. */
    public long backingSize() {
        return backingSize;
    }

    /** @return block size in bytes. */
    public int blockSize() {
        return blockSize;
    }

    /** @return high watermark percentage. */
    public int highWatermark() {
        return highWatermark;
    }

    /** @return low watermark percentage. */
    public int lowWatermark() {
        return lowWatermark;
    }

    /** @return the most blocks in flight to the backing device. */
    public int writebackJobs() {
        return writebackJobs;
    }

    /** @return whether each writeback batch is synced to the backing device before its blocks are freed. */
    public boolean writebackFua() {
        return writebackFua;
    }

    /** @return uncommitted writes that trigger a commit. */
    public int autocommitBlocks() {
        return autocommitBlocks;
    }

    /** @return age of the oldest uncommitted write that triggers a commit. */
    public Duration autocommitTime() {
        return autocommitTime;
    }

    /** @return the freelist wait policy. */
    public WaitPolicy waitPolicy() {
        return waitPolicy;
    }

    /** @return how long a write waits for a free block, zero for no limit. */
    public Duration writeTimeout() {
        return writeTimeout;
    }

    /** @return true if the freelist records wait statistics. */
    public boolean freeListStats() {
        return freeListStats;
    }

    /** @return the persistent-memory flush policy. */
    public FlushPolicy flushPolicy() {
        return flushPolicy;
    }

    /** @return whether the mapping is pre-faulted. */
    public boolean prefault() {
        return prefault;
    }

    /** @return the persistent-memory backend that maps the cache file. */
    public PmemBackend pmemBackend() {
        return pmemBackend;
    }

    /** @return whether a background thread runs writeback and autocommit. */
    public boolean background() {
        return background;
    }

    /** @return whether formatting may replace a file that holds anything (a valid cache or another file). */
    public boolean forceFormat() {
        return forceFormat;
    }

    /** @return age past which a block is written back; zero when off. */
    public Duration maxAge() {
        return maxAge;
    }

    /** @return whether the cache starts in cleaner mode (write everything back, new writes go around). */
    public boolean cleaner() {
        return cleaner;
    }

    /** @return how long writeback waits after the last write; zero when off. */
    public Duration pause() {
        return pause;
    }

    /** @return whether close writes every dirty block back. */
    public boolean flushOnClose() {
        return flushOnClose;
    }

    /** @return the writeback pipeline. */
    public WritebackPipeline.Kind writebackPipeline() {
        return writebackPipeline;
    }

    /** @return permission bits of the files a cache creates. */
    public Set<PosixFilePermission> fileMode() {
        return fileMode;
    }

    /** @return whether a cache file on neither tmpfs nor DAX is allowed. */
    public boolean allowCacheNotPmem() {
        return allowCacheNotPmem;
    }

    /** @return whether {@code pmem.flush=fence-only} is allowed for a cache file not on tmpfs. */
    public boolean allowFenceOnlyNotTmpfs() {
        return allowFenceOnlyNotTmpfs;
    }

    /** @return whether a backing file that is a character device is allowed. */
    public boolean allowBackingCharDevice() {
        return allowBackingCharDevice;
    }

    /** @return the clock for every time-based behaviour. */
    public NanoClock clock() {
        return clock;
    }

    /** @return every setting as property name to value, in a stable order, as a properties file would hold it. */
    public Map<String, String> toProperties() {
        final Map<String, String> m = new LinkedHashMap<>();
        m.put(CACHE_FILE, String.valueOf(cacheFile));
        m.put(CACHE_SIZE, Long.toString(cacheSize));
        m.put(START_OFFSET, Long.toString(startOffset));
        m.put(BACKING_FILE, String.valueOf(backingFile));
        m.put(BACKING_SIZE, Long.toString(backingSize));
        m.put(BLOCK_SIZE, Integer.toString(blockSize));
        m.put(HIGH_WATERMARK, Integer.toString(highWatermark));
        m.put(LOW_WATERMARK, Integer.toString(lowWatermark));
        m.put(WRITEBACK_JOBS, Integer.toString(writebackJobs));
        m.put(WRITEBACK_FUA, Boolean.toString(writebackFua));
        m.put(AUTOCOMMIT_BLOCKS, Integer.toString(autocommitBlocks));
        m.put(AUTOCOMMIT_TIME, autocommitTime.toMillis() + "ms");
        m.put(WAIT_POLICY, waitPolicy.label());
        m.put(WRITE_TIMEOUT, writeTimeout.toMillis() + "ms");
        m.put(FREELIST_STATS, Boolean.toString(freeListStats));
        m.put(FLUSH_POLICY, flushPolicy.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        m.put(PREFAULT, Boolean.toString(prefault));
        m.put(PMEM_BACKEND, pmemBackend.name().toLowerCase(Locale.ROOT));
        m.put(BACKGROUND, Boolean.toString(background));
        m.put(FORCE_FORMAT, Boolean.toString(forceFormat));
        m.put(MAX_AGE, maxAge.toMillis() + "ms");
        m.put(CLEANER, Boolean.toString(cleaner));
        m.put(PAUSE, pause.toMillis() + "ms");
        m.put(FLUSH_ON_CLOSE, Boolean.toString(flushOnClose));
        m.put(WRITEBACK_PIPELINE, writebackPipeline.name().toLowerCase(Locale.ROOT));
        m.put(FILE_MODE, Units.formatMode(fileMode));
        m.put(ALLOW_CACHE_NOT_PMEM, Boolean.toString(allowCacheNotPmem));
        m.put(ALLOW_FENCE_ONLY_NOT_TMPFS, Boolean.toString(allowFenceOnlyNotTmpfs));
        m.put(ALLOW_BACKING_CHAR_DEVICE, Boolean.toString(allowBackingCharDevice));
        return m;
    }

    @Override
    public String toString() {
        return toProperties().toString();
    }

    /** Collects settings; {@link #build()} validates them all and names the first bad one. */
    public static final class Builder {
        private Path cacheFile;
        private long cacheSize = CACHE_SIZE_DEFAULT;
        private long startOffset;
        private Path backingFile;
        private long backingSize;
        private int blockSize = BLOCK_SIZE_DEFAULT;
        private int highWatermark = HIGH_WATERMARK_DEFAULT;
        private int lowWatermark = LOW_WATERMARK_DEFAULT;
        private int writebackJobs = WRITEBACK_JOBS_DEFAULT;
        private boolean writebackFua;
        private int autocommitBlocks = AUTOCOMMIT_BLOCKS_DEFAULT;
        private Duration autocommitTime = AUTOCOMMIT_TIME_DEFAULT;
        private WaitPolicy waitPolicy = WAIT_POLICY_DEFAULT;
        private Duration writeTimeout = Duration.ZERO;
        private boolean freeListStats = true;
        private FlushPolicy flushPolicy = FlushPolicy.AUTO;
        private boolean prefault = true;
        private PmemBackend pmemBackend = PMEM_BACKEND_DEFAULT;
        private boolean background = true;
        private boolean forceFormat;
        private Duration maxAge = Duration.ZERO;
        private boolean cleaner;
        private Duration pause = Duration.ZERO;
        private boolean flushOnClose;
        private WritebackPipeline.Kind writebackPipeline = WRITEBACK_PIPELINE_DEFAULT;
        private Set<PosixFilePermission> fileMode = FILE_MODE_DEFAULT;
        private boolean allowCacheNotPmem;
        private boolean allowFenceOnlyNotTmpfs;
        private boolean allowBackingCharDevice;
        private NanoClock clock = new SystemNanoClock();

        private Builder() {
        }

        /**
         * Applies every property in {@code p}.
         *
         * @throws IllegalArgumentException naming an unknown property or a value that does not parse.
         */
        public Builder apply(final Properties p) {
            for (final String name : p.stringPropertyNames()) {
                set(name, p.getProperty(name));
            }
            return this;
        }

        /**
         * Sets one property by name.
         *
         * @throws IllegalArgumentException naming an unknown property or a value that does not parse.
         */
        public Builder set(final String name, final String rawValue) {
            final String value = rawValue.trim();
            try {
                switch (name) {
                    case CACHE_FILE -> cacheFile(Path.of(value));
                    case CACHE_SIZE -> cacheSize(Units.parseSize(value));
                    case START_OFFSET -> startOffset(Units.parseSize(value));
                    case BACKING_FILE -> backingFile(Path.of(value));
                    case BACKING_SIZE -> backingSize(Units.parseSize(value));
                    case BLOCK_SIZE -> blockSize(Math.toIntExact(Units.parseSize(value)));
                    case HIGH_WATERMARK -> highWatermark(Integer.parseInt(value));
                    case LOW_WATERMARK -> lowWatermark(Integer.parseInt(value));
                    case WRITEBACK_JOBS -> writebackJobs(Integer.parseInt(value));
                    case WRITEBACK_FUA -> writebackFua(Units.parseBoolean(value));
                    case AUTOCOMMIT_BLOCKS -> autocommitBlocks(Integer.parseInt(value));
                    case AUTOCOMMIT_TIME -> autocommitTime(Units.parseDuration(value));
                    case WAIT_POLICY -> waitPolicy(WaitPolicy.parse(value));
                    case WRITE_TIMEOUT -> writeTimeout(Units.parseDuration(value));
                    case FREELIST_STATS -> freeListStats(Units.parseBoolean(value));
                    case FLUSH_POLICY -> flushPolicy(Units.parseEnum(FlushPolicy.class, value));
                    case PREFAULT -> prefault(Units.parseBoolean(value));
                    case PMEM_BACKEND -> pmemBackend(PmemBackend.parse(value));
                    case BACKGROUND -> background(Units.parseBoolean(value));
                    case FORCE_FORMAT -> forceFormat(Units.parseBoolean(value));
                    case MAX_AGE -> maxAge(Units.parseDuration(value));
                    case CLEANER -> cleaner(Units.parseBoolean(value));
                    case PAUSE -> pause(Units.parseDuration(value));
                    case FLUSH_ON_CLOSE -> flushOnClose(Units.parseBoolean(value));
                    case WRITEBACK_PIPELINE -> writebackPipeline(Units.parseEnum(WritebackPipeline.Kind.class, value));
                    case FILE_MODE -> fileMode(Units.parseMode(value));
                    case ALLOW_CACHE_NOT_PMEM -> allowCacheNotPmem(Units.parseBoolean(value));
                    case ALLOW_FENCE_ONLY_NOT_TMPFS -> allowFenceOnlyNotTmpfs(Units.parseBoolean(value));
                    case ALLOW_BACKING_CHAR_DEVICE -> allowBackingCharDevice(Units.parseBoolean(value));
                    default -> throw new IllegalArgumentException("unknown property '" + name + "': known ones are "
                        + KNOWN.stream().sorted().toList());
                }
            } catch (final NumberFormatException | ArithmeticException e) {
                throw new IllegalArgumentException("bad value for " + name + ": '" + rawValue + "'", e);
            }
            return this;
        }

        /** @see WriteCacheConfig#CACHE_FILE */
        public Builder cacheFile(final Path v) {
            cacheFile = v;
            return this;
        }

        /** @see WriteCacheConfig#CACHE_SIZE */
        public Builder cacheSize(final long v) {
            cacheSize = v;
            return this;
        }

        /** @see WriteCacheConfig#START_OFFSET */
        public Builder startOffset(final long v) {
            startOffset = v;
            return this;
        }

        /** @see WriteCacheConfig#BACKING_FILE */
        public Builder backingFile(final Path v) {
            backingFile = v;
            return this;
        }

        /** @see WriteCacheConfig#BACKING_SIZE */
        public Builder backingSize(final long v) {
            backingSize = v;
            return this;
        }

        /** @see WriteCacheConfig#BLOCK_SIZE */
        public Builder blockSize(final int v) {
            blockSize = v;
            return this;
        }

        /** @see WriteCacheConfig#HIGH_WATERMARK */
        public Builder highWatermark(final int v) {
            highWatermark = v;
            return this;
        }

        /** @see WriteCacheConfig#LOW_WATERMARK */
        public Builder lowWatermark(final int v) {
            lowWatermark = v;
            return this;
        }

        /** @see WriteCacheConfig#WRITEBACK_JOBS */
        public Builder writebackJobs(final int v) {
            writebackJobs = v;
            return this;
        }

        /** @see WriteCacheConfig#WRITEBACK_FUA */
        public Builder writebackFua(final boolean v) {
            writebackFua = v;
            return this;
        }

        /** @see WriteCacheConfig#AUTOCOMMIT_BLOCKS */
        public Builder autocommitBlocks(final int v) {
            autocommitBlocks = v;
            return this;
        }

        /** @see WriteCacheConfig#AUTOCOMMIT_TIME */
        public Builder autocommitTime(final Duration v) {
            autocommitTime = v;
            return this;
        }

        /** @see WriteCacheConfig#WAIT_POLICY */
        public Builder waitPolicy(final WaitPolicy v) {
            waitPolicy = v;
            return this;
        }

        /** @see WriteCacheConfig#WRITE_TIMEOUT */
        public Builder writeTimeout(final Duration v) {
            writeTimeout = v;
            return this;
        }

        /** @see WriteCacheConfig#FREELIST_STATS */
        public Builder freeListStats(final boolean v) {
            freeListStats = v;
            return this;
        }

        /** @see WriteCacheConfig#FLUSH_POLICY */
        public Builder flushPolicy(final FlushPolicy v) {
            flushPolicy = v;
            return this;
        }

        /** @see WriteCacheConfig#PREFAULT */
        public Builder prefault(final boolean v) {
            prefault = v;
            return this;
        }

        /** @see WriteCacheConfig#PMEM_BACKEND */
        public Builder pmemBackend(final PmemBackend v) {
            pmemBackend = v;
            return this;
        }

        /** @see WriteCacheConfig#BACKGROUND */
        public Builder background(final boolean v) {
            background = v;
            return this;
        }

        /** @see WriteCacheConfig#FORCE_FORMAT */
        public Builder forceFormat(final boolean v) {
            forceFormat = v;
            return this;
        }

        /** @see WriteCacheConfig#MAX_AGE */
        public Builder maxAge(final Duration v) {
            maxAge = v;
            return this;
        }

        /** @see WriteCacheConfig#CLEANER */
        public Builder cleaner(final boolean v) {
            cleaner = v;
            return this;
        }

        /** @see WriteCacheConfig#PAUSE */
        public Builder pause(final Duration v) {
            pause = v;
            return this;
        }

        /** @see WriteCacheConfig#FLUSH_ON_CLOSE */
        public Builder flushOnClose(final boolean v) {
            flushOnClose = v;
            return this;
        }

        /** @see WriteCacheConfig#WRITEBACK_PIPELINE */
        public Builder writebackPipeline(final WritebackPipeline.Kind v) {
            writebackPipeline = v;
            return this;
        }

        /** @see WriteCacheConfig#FILE_MODE */
        public Builder fileMode(final Set<PosixFilePermission> v) {
            fileMode = v;
            return this;
        }

        /** @see WriteCacheConfig#ALLOW_CACHE_NOT_PMEM */
        public Builder allowCacheNotPmem(final boolean v) {
            allowCacheNotPmem = v;
            return this;
        }

        /** @see WriteCacheConfig#ALLOW_FENCE_ONLY_NOT_TMPFS */
        public Builder allowFenceOnlyNotTmpfs(final boolean v) {
            allowFenceOnlyNotTmpfs = v;
            return this;
        }

        /** @see WriteCacheConfig#ALLOW_BACKING_CHAR_DEVICE */
        public Builder allowBackingCharDevice(final boolean v) {
            allowBackingCharDevice = v;
            return this;
        }

        /** The clock for autocommit time and every other time-based behaviour; tests inject a manual one. */
        public Builder clock(final NanoClock v) {
            clock = v;
            return this;
        }

        /**
         * Validates every setting.
         *
         * @throws IllegalArgumentException naming the first bad setting and its value.
         */
        public WriteCacheConfig build() {
            require(cacheFile != null, CACHE_FILE + " is required");
            require(cacheSize > 0, CACHE_SIZE + " must be positive: " + cacheSize);
            require(startOffset >= 0 && startOffset % 512 == 0,
                START_OFFSET + " must be a non-negative multiple of 512: " + startOffset);
            require(backingSize >= 0, BACKING_SIZE + " must not be negative: " + backingSize);
            try {
                CacheLayout.checkBlockSize(blockSize);
            } catch (final IllegalArgumentException e) {
                throw new IllegalArgumentException(BLOCK_SIZE + ": " + e.getMessage(), e);
            }
            require(highWatermark >= 0 && highWatermark <= 100,
                HIGH_WATERMARK + " must be a percentage from 0 to 100: " + highWatermark);
            require(lowWatermark >= 0 && lowWatermark <= 100,
                LOW_WATERMARK + " must be a percentage from 0 to 100: " + lowWatermark);
            require(lowWatermark <= highWatermark, LOW_WATERMARK + " (" + lowWatermark + ") must not exceed "
                + HIGH_WATERMARK + " (" + highWatermark + ")");
            require(writebackJobs >= 1, WRITEBACK_JOBS + " must be at least 1: " + writebackJobs);
            require(autocommitBlocks >= 1, AUTOCOMMIT_BLOCKS + " must be at least 1: " + autocommitBlocks);
            Objects.requireNonNull(autocommitTime, AUTOCOMMIT_TIME);
            require(!autocommitTime.isNegative() && !autocommitTime.isZero(),
                AUTOCOMMIT_TIME + " must be positive: " + autocommitTime);
            Objects.requireNonNull(waitPolicy, WAIT_POLICY);
            Objects.requireNonNull(writeTimeout, WRITE_TIMEOUT);
            require(!writeTimeout.isNegative(), WRITE_TIMEOUT + " must not be negative: " + writeTimeout);
            Objects.requireNonNull(flushPolicy, FLUSH_POLICY);
            Objects.requireNonNull(maxAge, MAX_AGE);
            require(maxAge.isZero() || maxAge.compareTo(MAX_AGE_MIN) >= 0,
                MAX_AGE + " must be 0 (off) or at least " + MAX_AGE_MIN.toMillis() + " ms: " + maxAge);
            Objects.requireNonNull(pause, PAUSE);
            require(!pause.isNegative(), PAUSE + " must not be negative: " + pause);
            Objects.requireNonNull(writebackPipeline, WRITEBACK_PIPELINE);
            Objects.requireNonNull(pmemBackend, PMEM_BACKEND);
            requireAvailable(writebackPipeline::requireAvailable);
            requireAvailable(pmemBackend::requireAvailable);
            Objects.requireNonNull(clock, "clock");
            Objects.requireNonNull(fileMode, FILE_MODE);
            require(fileMode.contains(PosixFilePermission.OWNER_READ)
                    && fileMode.contains(PosixFilePermission.OWNER_WRITE),
                FILE_MODE + " must let the owner read and write: " + Units.formatMode(fileMode));
            final long regionBytes = cacheSize - startOffset;
            require(regionBytes > 0 && CacheLayout.blocksThatFit(regionBytes, blockSize) >= 1,
                CACHE_SIZE + " of " + cacheSize + " bytes (from offset " + startOffset
                    + ") is smaller than the cache metadata plus one block of " + blockSize + " bytes");
            require(CacheLayout.blocksThatFit(regionBytes, blockSize) <= Integer.MAX_VALUE,
                CACHE_SIZE + " of " + cacheSize + " bytes holds more than 2^31-1 blocks of " + blockSize);
            return new WriteCacheConfig(this);
        }

        /** A selected implementation whose artifact is missing is a configuration error, named before anything runs. */
        private static void requireAvailable(final Runnable check) {
            try {
                check.run();
            } catch (final IllegalStateException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }

        private static void require(final boolean ok, final String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
