package org.writecache;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;

import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.writecache.format.DataChecksum;
import org.writecache.pmem.FlushPolicy;
import org.writecache.pmem.PmemBackend;
import org.writecache.writeback.WritebackPipeline;

/**
 * Every setting of a cache, validated in one place ({@link Builder#build()}) before anything runs.
 *
 * <p>The settings themselves (names, types, defaults, valid values, documentation) are described once, in
 * {@link Settings}; this class holds their values. Read any setting with {@link #get(Setting)}; the common ones also
 * have accessors. Values are written in a properties file ({@code config/writecache.properties}, read by
 * {@link #load(Path)}) with the units of {@link Units}: sizes such as {@code 256m}, durations such as {@code 1500ms}
 * or {@code 1.5s}. See {@link Settings} for how to add a setting.
 */
public final class WriteCacheConfig {
    private final Object[] values;
    private final NanoClock clock;
    private final Path backingPath;

    private WriteCacheConfig(final Object[] values, final NanoClock clock) {
        this.values = values;
        this.clock = clock;
        final String location = get(Settings.BACKING_FILE);
        this.backingPath = location == null || BlockDevices.isUri(location) ? null : BlockDevices.localPath(location);
    }

    /** @return a builder holding every default. */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder initialised from this configuration. */
    public Builder toBuilder() {
        final Builder b = new Builder();
        System.arraycopy(values, 0, b.values, 0, values.length);
        b.clock = clock;
        return b;
    }

    /**
     * Reads a properties file (such as {@code config/writecache.properties}) into a builder.
     *
     * @throws IOException              naming the file if it cannot be read.
     * @throws IllegalArgumentException naming the file and the setting if it is not a properties file or holds an
     *                                  unknown setting or a value that does not parse.
     */
    public static Builder load(final Path propertiesFile) throws IOException {
        final Properties p = new Properties();
        try (InputStream in = Files.newInputStream(propertiesFile)) {
            p.load(in);
        } catch (final IOException e) {
            throw new IOException("cannot read configuration file " + propertiesFile + ": " + IoErrors.reason(e), e);
        } catch (final IllegalArgumentException e) {
            throw new IllegalArgumentException("configuration file " + propertiesFile + " is not a properties file: "
                + e.getMessage(), e);
        }
        try {
            return builder().apply(p);
        } catch (final IllegalArgumentException e) {
            throw new IllegalArgumentException("configuration file " + propertiesFile + ": " + e.getMessage(), e);
        }
    }

    /** @return the value of {@code setting}: the one set, or its default; null for an unset optional setting. */
    public <T> T get(final Setting<T> setting) {
        return setting.cast(values[setting.index()]);
    }

    /** @return {@link Settings#CACHE_FILE}. */
    public Path cacheFile() {
        return get(Settings.CACHE_FILE);
    }

    /** @return {@link Settings#CACHE_SIZE}. */
    public long cacheSize() {
        return get(Settings.CACHE_SIZE);
    }

    /** @return {@link Settings#START_OFFSET}. */
    public long startOffset() {
        return get(Settings.START_OFFSET);
    }

    /** @return {@link Settings#BACKING_FILE}: a local path or a URI; null when a device is supplied instead. */
    public String backingLocation() {
        return get(Settings.BACKING_FILE);
    }

    /** @return the backing file's path when {@link #backingLocation()} is local; null for a URI or none. */
    public Path backingFile() {
        return backingPath;
    }

    /** @return {@link Settings#BACKING_SIZE}. */
    public long backingSize() {
        return get(Settings.BACKING_SIZE);
    }

    /** @return {@link Settings#BLOCK_SIZE}. */
    public int blockSize() {
        return get(Settings.BLOCK_SIZE);
    }

    /** @return {@link Settings#HIGH_WATERMARK}. */
    public int highWatermark() {
        return get(Settings.HIGH_WATERMARK);
    }

    /** @return {@link Settings#LOW_WATERMARK}. */
    public int lowWatermark() {
        return get(Settings.LOW_WATERMARK);
    }

    /** @return {@link Settings#WRITEBACK_JOBS}. */
    public int writebackJobs() {
        return get(Settings.WRITEBACK_JOBS);
    }

    /** @return {@link Settings#AUTOCOMMIT_BLOCKS}. */
    public int autocommitBlocks() {
        return get(Settings.AUTOCOMMIT_BLOCKS);
    }

    /** @return {@link Settings#AUTOCOMMIT_TIME}. */
    public Duration autocommitTime() {
        return get(Settings.AUTOCOMMIT_TIME);
    }

    /** @return {@link Settings#MAX_AGE}; zero when off. */
    public Duration maxAge() {
        return get(Settings.MAX_AGE);
    }

    /** @return {@link Settings#PAUSE}; zero when off. */
    public Duration pause() {
        return get(Settings.PAUSE);
    }

    /** @return {@link Settings#WRITEBACK_FUA}. */
    public boolean writebackFua() {
        return get(Settings.WRITEBACK_FUA);
    }

    /** @return {@link Settings#CLEANER}. */
    public boolean cleaner() {
        return get(Settings.CLEANER);
    }

    /** @return {@link Settings#FLUSH_ON_CLOSE}. */
    public boolean flushOnClose() {
        return get(Settings.FLUSH_ON_CLOSE);
    }

    /** @return {@link Settings#WRITEBACK_PIPELINE}. */
    public WritebackPipeline.Kind writebackPipeline() {
        return get(Settings.WRITEBACK_PIPELINE);
    }

    /** @return {@link Settings#BACKGROUND}. */
    public boolean background() {
        return get(Settings.BACKGROUND);
    }

    /** @return {@link Settings#WAIT_POLICY}. */
    public WaitPolicy waitPolicy() {
        return get(Settings.WAIT_POLICY);
    }

    /** @return {@link Settings#WRITE_TIMEOUT}; zero for no limit. */
    public Duration writeTimeout() {
        return get(Settings.WRITE_TIMEOUT);
    }

    /** @return {@link Settings#FREELIST_STATS}: true if the freelist records wait statistics. */
    public boolean freeListStats() {
        return get(Settings.FREELIST_STATS);
    }

    /** @return {@link Settings#PMEM_BACKEND}. */
    public PmemBackend pmemBackend() {
        return get(Settings.PMEM_BACKEND);
    }

    /** @return {@link Settings#FLUSH_POLICY}. */
    public FlushPolicy flushPolicy() {
        return get(Settings.FLUSH_POLICY);
    }

    /** @return {@link Settings#PREFAULT}. */
    public boolean prefault() {
        return get(Settings.PREFAULT);
    }

    /** @return {@link Settings#FORCE_FORMAT}. */
    public boolean forceFormat() {
        return get(Settings.FORCE_FORMAT);
    }

    /** @return {@link Settings#FILE_MODE}, as permissions. */
    public Set<PosixFilePermission> fileMode() {
        return Units.permissions(get(Settings.FILE_MODE));
    }

    /** @return {@link Settings#ALLOW_CACHE_NOT_PMEM}. */
    public boolean allowCacheNotPmem() {
        return get(Settings.ALLOW_CACHE_NOT_PMEM);
    }

    /** @return {@link Settings#ALLOW_FENCE_ONLY_NOT_TMPFS}. */
    public boolean allowFenceOnlyNotTmpfs() {
        return get(Settings.ALLOW_FENCE_ONLY_NOT_TMPFS);
    }

    /** @return {@link Settings#ALLOW_BACKING_CHAR_DEVICE}. */
    public boolean allowBackingCharDevice() {
        return get(Settings.ALLOW_BACKING_CHAR_DEVICE);
    }

    /** @return {@link Settings#DATA_CHECKSUM}: what a format writes (an open uses what the cache file records). */
    public DataChecksum dataChecksum() {
        return get(Settings.DATA_CHECKSUM);
    }

    /** @return {@link Settings#VERIFY_READS}. */
    public boolean verifyReads() {
        return get(Settings.VERIFY_READS);
    }

    /** @return {@link Settings#SCRUB_ON_OPEN}. */
    public boolean scrubOnOpen() {
        return get(Settings.SCRUB_ON_OPEN);
    }

    /** @return the clock for every time-based behaviour. */
    public NanoClock clock() {
        return clock;
    }

    /**
     * @return every setting that has a value, property name to text, in the order of {@link Settings#all()}: what a
     *         properties file would hold; {@link Builder#set(String, String)} reads each back to an equal value.
     */
    public Map<String, String> toProperties() {
        final Map<String, String> m = new LinkedHashMap<>();
        for (final Setting<?> s : Settings.all()) {
            if (values[s.index()] != null) {
                m.put(s.name(), text(s, values[s.index()]));
            }
        }
        return m;
    }

    @Override
    public String toString() {
        return toProperties().toString();
    }

    private static <T> String text(final Setting<T> s, final Object value) {
        return s.format(s.cast(value));
    }

    /** Collects settings; {@link #build()} validates them all and names the first bad one. */
    public static final class Builder {
        private final Object[] values = new Object[Settings.all().size()];
        private NanoClock clock = new SystemNanoClock();

        private Builder() {
        }

        /**
         * Applies every property in {@code p}.
         *
         * @throws IllegalArgumentException naming an unknown property or a value that does not parse.
         */
        public Builder apply(final Properties p) {
            for (final String name : p.stringPropertyNames().stream().sorted().toList()) {
                set(name, p.getProperty(name));
            }
            return this;
        }

        /**
         * Sets one setting by property name, from its text (see {@link Units} for sizes and durations).
         *
         * @throws IllegalArgumentException naming an unknown setting, or the setting and a value that does not parse.
         */
        public Builder set(final String name, final String text) {
            return parseInto(Settings.named(name), text);
        }

        /** Sets one setting; null returns it to its default. Checked by {@link #build()}. */
        public <T> Builder set(final Setting<T> setting, final T value) {
            values[setting.index()] = value;
            return this;
        }

        /** @return the value set for {@code setting}, else its default. */
        public <T> T get(final Setting<T> setting) {
            final Object v = values[setting.index()];
            return v != null ? setting.cast(v) : setting.defaultValue();
        }

        private <T> Builder parseInto(final Setting<T> setting, final String text) {
            return set(setting, setting.parse(text));
        }

        // One method per setting for embedders, each the same delegation to set(Settings.X, v); a new setting needs
        // none (set(Settings.X, v) works for every setting).

        /** @see Settings#CACHE_FILE */
        public Builder cacheFile(final Path v) { return set(Settings.CACHE_FILE, v); }
        /** @see Settings#CACHE_SIZE */
        public Builder cacheSize(final long v) { return set(Settings.CACHE_SIZE, v); }
        /** @see Settings#START_OFFSET */
        public Builder startOffset(final long v) { return set(Settings.START_OFFSET, v); }
        /** A local backing file. @see Settings#BACKING_FILE */
        public Builder backingFile(final Path v) { return set(Settings.BACKING_FILE, v == null ? null : v.toString()); }
        /** A local path or a URI. @see Settings#BACKING_FILE */
        public Builder backingLocation(final String v) { return set(Settings.BACKING_FILE, v); }
        /** @see Settings#BACKING_SIZE */
        public Builder backingSize(final long v) { return set(Settings.BACKING_SIZE, v); }
        /** @see Settings#BLOCK_SIZE */
        public Builder blockSize(final int v) { return set(Settings.BLOCK_SIZE, v); }
        /** @see Settings#HIGH_WATERMARK */
        public Builder highWatermark(final int v) { return set(Settings.HIGH_WATERMARK, v); }
        /** @see Settings#LOW_WATERMARK */
        public Builder lowWatermark(final int v) { return set(Settings.LOW_WATERMARK, v); }
        /** @see Settings#WRITEBACK_JOBS */
        public Builder writebackJobs(final int v) { return set(Settings.WRITEBACK_JOBS, v); }
        /** @see Settings#AUTOCOMMIT_BLOCKS */
        public Builder autocommitBlocks(final int v) { return set(Settings.AUTOCOMMIT_BLOCKS, v); }
        /** @see Settings#AUTOCOMMIT_TIME */
        public Builder autocommitTime(final Duration v) { return set(Settings.AUTOCOMMIT_TIME, v); }
        /** @see Settings#MAX_AGE */
        public Builder maxAge(final Duration v) { return set(Settings.MAX_AGE, v); }
        /** @see Settings#PAUSE */
        public Builder pause(final Duration v) { return set(Settings.PAUSE, v); }
        /** @see Settings#WRITEBACK_FUA */
        public Builder writebackFua(final boolean v) { return set(Settings.WRITEBACK_FUA, v); }
        /** @see Settings#CLEANER */
        public Builder cleaner(final boolean v) { return set(Settings.CLEANER, v); }
        /** @see Settings#FLUSH_ON_CLOSE */
        public Builder flushOnClose(final boolean v) { return set(Settings.FLUSH_ON_CLOSE, v); }
        /** @see Settings#WRITEBACK_PIPELINE */
        public Builder writebackPipeline(final WritebackPipeline.Kind v) { return set(Settings.WRITEBACK_PIPELINE, v); }
        /** @see Settings#BACKGROUND */
        public Builder background(final boolean v) { return set(Settings.BACKGROUND, v); }
        /** @see Settings#WAIT_POLICY */
        public Builder waitPolicy(final WaitPolicy v) { return set(Settings.WAIT_POLICY, v); }
        /** @see Settings#WRITE_TIMEOUT */
        public Builder writeTimeout(final Duration v) { return set(Settings.WRITE_TIMEOUT, v); }
        /** @see Settings#FREELIST_STATS */
        public Builder freeListStats(final boolean v) { return set(Settings.FREELIST_STATS, v); }
        /** @see Settings#PMEM_BACKEND */
        public Builder pmemBackend(final PmemBackend v) { return set(Settings.PMEM_BACKEND, v); }
        /** @see Settings#FLUSH_POLICY */
        public Builder flushPolicy(final FlushPolicy v) { return set(Settings.FLUSH_POLICY, v); }
        /** @see Settings#PREFAULT */
        public Builder prefault(final boolean v) { return set(Settings.PREFAULT, v); }
        /** @see Settings#FORCE_FORMAT */
        public Builder forceFormat(final boolean v) { return set(Settings.FORCE_FORMAT, v); }
        /** @see Settings#ALLOW_CACHE_NOT_PMEM */
        public Builder allowCacheNotPmem(final boolean v) { return set(Settings.ALLOW_CACHE_NOT_PMEM, v); }
        /** @see Settings#ALLOW_FENCE_ONLY_NOT_TMPFS */
        public Builder allowFenceOnlyNotTmpfs(final boolean v) { return set(Settings.ALLOW_FENCE_ONLY_NOT_TMPFS, v); }
        /** @see Settings#ALLOW_BACKING_CHAR_DEVICE */
        public Builder allowBackingCharDevice(final boolean v) { return set(Settings.ALLOW_BACKING_CHAR_DEVICE, v); }
        /** @see Settings#DATA_CHECKSUM */
        public Builder dataChecksum(final DataChecksum v) { return set(Settings.DATA_CHECKSUM, v); }
        /** @see Settings#VERIFY_READS */
        public Builder verifyReads(final boolean v) { return set(Settings.VERIFY_READS, v); }
        /** @see Settings#SCRUB_ON_OPEN */
        public Builder scrubOnOpen(final boolean v) { return set(Settings.SCRUB_ON_OPEN, v); }
        /** The clock for autocommit time and every other time-based behaviour; tests inject a manual one. */
        public Builder clock(final NanoClock v) {
            clock = v;
            return this;
        }

        /**
         * Validates every setting on its own ({@link Setting}'s checks: ranges, durations up to
         * {@link Units#MAX_DURATION}, a backing URI some provider accepts), then the settings that must agree with
         * each other (watermarks, the cache and backing sizes against the block size and the format's limits).
         *
         * @throws IllegalArgumentException naming the first bad setting and its value.
         */
        public WriteCacheConfig build() {
            final Object[] v = Arrays.copyOf(values, values.length);
            for (final Setting<?> s : Settings.all()) {
                if (v[s.index()] == null) {
                    v[s.index()] = s.defaultValue();
                }
                final String problem = problem(s, v[s.index()]);
                if (problem != null) {
                    throw new IllegalArgumentException(problem);
                }
            }
            final WriteCacheConfig config = new WriteCacheConfig(v, Objects.requireNonNull(clock, "clock"));
            SettingsAgree.check(config);
            return config;
        }

        private static <T> String problem(final Setting<T> s, final Object value) {
            return s.problem(s.cast(value));
        }
    }
}
