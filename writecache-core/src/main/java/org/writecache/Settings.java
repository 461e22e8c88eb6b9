package org.writecache;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import org.writecache.format.CacheLayout;
import org.writecache.format.DataChecksum;
import org.writecache.pmem.EnumNames;
import org.writecache.pmem.FlushPolicy;
import org.writecache.pmem.PmemBackend;
import org.writecache.writeback.WritebackPipeline;

/**
 * Every setting of a cache, each described once by a {@link Setting}, in the order {@code config/writecache.properties}
 * lists them. (Aeron's {@code Configuration}: {@link WriteCacheConfig.Builder} is the context that collects values and
 * {@link WriteCacheConfig.Builder#build()} its {@code conclude()}.)
 *
 * <h2>Adding a setting</h2>
 * <ol>
 *   <li>Declare it here, where it belongs in the file order, with a factory of its kind ({@code size},
 *       {@code integer}, {@code duration}, {@code flag}, {@code choice}, {@code path}), its default, one line of
 *       documentation, and the checks a value must pass ({@code require(ok, "requirement")}). The builder's
 *       {@code set(name, text)} and {@code set(setting, value)}, the properties loader, {@code toProperties}, the
 *       command line's {@code --set}, the dm table line (only if it has a dm option: {@code dm(...)}) and the
 *       shipped file's text all follow from the declaration.</li>
 *   <li>Read it where it is used: {@code config.get(Settings.X)}, or add an accessor to {@link WriteCacheConfig}
 *       (and a builder method) if embedders should see one.</li>
 *   <li>If it must agree with another setting, add that check to {@link WriteCacheConfig.Builder#build()}.</li>
 *   <li>Regenerate {@code config/writecache.properties} ({@code bin/writecache config --defaults >
 *       config/writecache.properties}) and the README's settings table ({@code bin/writecache config --markdown});
 *       a test compares both with the descriptors.</li>
 * </ol>
 */
public final class Settings {
    private static final List<Setting<?>> ALL = new ArrayList<>();
    private static final Duration MAX_AGE_MIN = Duration.ofMillis(16);

    /** The cache file (the persistent memory). */
    public static final Setting<Path> CACHE_FILE = path("cache.file", "The cache file: the persistent memory, a "
        + "file on tmpfs such as /dev/shm or on a DAX file system. Required.").mandatory()
        .example("/dev/shm/writecache.cache");
    /** Bytes of the cache file when it is formatted. */
    public static final Setting<Long> CACHE_SIZE = size("cache.size", 256L << 20,
        "Size of the cache file when it is formatted: metadata plus data blocks.");
    /** Offset of the cache in its file (dm-writecache's start_sector, in bytes). */
    public static final Setting<Long> START_OFFSET = size("cache.start.offset", 0,
        "Offset of the cache inside its file, a multiple of 512 (dm-writecache's start_sector, in bytes).")
        .require(v -> v % DmTable.SECTOR == 0, "a non-negative multiple of " + DmTable.SECTOR)
        .dm(DmTable.Option.sectors("start_sector"));
    /** Where the backing device is: a local path, or a URI a {@link BlockDeviceProvider} accepts. */
    public static final Setting<String> BACKING_FILE = add(String.class, "backing.file", "path or URI",
        Settings::nonEmpty, Function.identity(), null, "The backing device the cache sits in front of: a local file, "
            + "or a URI such as nbd://host:port/export that a BlockDeviceProvider on the class path accepts. Required "
            + "to format or open.")
        .check(BlockDevices::problem).example("/var/tmp/writecache.backing");
    /** Backing device size in bytes; 0 takes the file's length. */
    public static final Setting<Long> BACKING_SIZE = size("backing.size", 0,
        "Backing device size; 0 uses the file's current length.").example("1g");
    /** Longest wait for any reply of a remote backing device (an NBD export). */
    public static final Setting<Duration> BACKING_TIMEOUT = duration("backing.timeout", Duration.ofSeconds(30),
        "Longest wait for a reply from a remote backing device (an NBD export), and for connecting to it; a request "
            + "without a reply by then fails like an I/O error, so a hung server cannot hang writeback. More than 0.")
        .require(d -> !d.isZero(), "positive");
    /** Times a lost connection to a remote backing device is re-established; 0 never. */
    public static final Setting<Integer> BACKING_RECONNECT_ATTEMPTS = integer("backing.reconnect.attempts", 3, 0,
        1000, "How many times a lost connection to a remote backing device is re-established before its requests "
            + "fail; 0 never. Writes not yet flushed when it was lost still fail the next writeback, as the server may "
            + "not have kept them.");
    /** Wait before the second reconnect attempt; it doubles for each further one. */
    public static final Setting<Duration> BACKING_RECONNECT_BACKOFF = duration("backing.reconnect.backoff",
        Duration.ofMillis(200), "Wait before the second reconnect attempt to a remote backing device (the first is at "
            + "once); it doubles for each further attempt.");
    /** Block size in bytes. */
    public static final Setting<Integer> BLOCK_SIZE = add(Integer.class, "block.size", "size", Settings::intSize,
        String::valueOf, 4096, "Block size: a power of two from 512 to 65536.")
        .require(v -> v >= CacheLayout.MIN_BLOCK_SIZE && v <= CacheLayout.MAX_BLOCK_SIZE && Integer.bitCount(v) == 1,
            "a power of two from " + CacheLayout.MIN_BLOCK_SIZE + " to " + CacheLayout.MAX_BLOCK_SIZE);
    /** Writeback starts above this percentage of blocks in use. */
    public static final Setting<Integer> HIGH_WATERMARK = percentage("writeback.high.watermark", 50,
        "Writeback starts when more than this percentage of cache blocks is in use.")
        .dm(DmTable.Option.number("high_watermark"));
    /** Writeback stops below this percentage of blocks in use. */
    public static final Setting<Integer> LOW_WATERMARK = percentage("writeback.low.watermark", 45,
        "Writeback stops when fewer than this percentage of cache blocks is in use; at most the high watermark.")
        .dm(DmTable.Option.number("low_watermark"));
    /** Most blocks in flight to the backing device. */
    public static final Setting<Integer> WRITEBACK_JOBS = integer("writeback.jobs", 1024, 1, Integer.MAX_VALUE,
        "Most blocks in flight to the backing device at once; bounds writeback memory to jobs x block size.")
        .dm(DmTable.Option.number("writeback_jobs"));
    /** Commit after this many uncommitted block writes. */
    public static final Setting<Integer> AUTOCOMMIT_BLOCKS = integer("autocommit.blocks", 64, 1, Integer.MAX_VALUE,
        "Commit after this many uncommitted block writes.").dm(DmTable.Option.number("autocommit_blocks"));
    /** Commit when the oldest uncommitted write is this old. */
    public static final Setting<Duration> AUTOCOMMIT_TIME = duration("autocommit.time", Duration.ofSeconds(1),
        "Commit when the oldest uncommitted write is this old; more than 0.")
        .require(d -> !d.isZero(), "positive").dm(DmTable.Option.number("autocommit_time"));
    /** Write back blocks older than this (dm-writecache's max_age); 0 is off. */
    public static final Setting<Duration> MAX_AGE = duration("writeback.max.age", Duration.ZERO,
        "Write back blocks older than this (dm max_age); 0 is off, else at least 16ms. Costs 4 bytes of heap per "
            + "cache block when set.")
        .require(d -> d.isZero() || d.compareTo(MAX_AGE_MIN) >= 0, "0 (off) or at least " + Units.formatDuration(
            MAX_AGE_MIN)).dm(DmTable.Option.unlessDefault("max_age"));
    /** Hold watermark and max-age writeback off until no write has come for this long; 0 is off. */
    public static final Setting<Duration> PAUSE = duration("writeback.pause", Duration.ZERO,
        "Hold off watermark and max-age writeback until no write has come for this long (dm pause_writeback); "
            + "0 is off.").dm(DmTable.Option.unlessDefault("pause_writeback"));
    /** Sync the backing device after every coalesced run rather than once per batch. */
    public static final Setting<Boolean> WRITEBACK_FUA = flag("writeback.fua", false,
        "true: every coalesced run is made durable on its own (an NBD export that offers FUA gets writes with the "
            + "FUA flag, anything else a sync after each run); false: one sync per writeback batch. Either way no "
            + "block is freed before its data is durable on the backing device.")
        .dm(DmTable.Option.flag("fua", "nofua"));
    /** Cleaner mode: write everything back, send new writes around the cache. */
    public static final Setting<Boolean> CLEANER = flag("writeback.cleaner", false,
        "Cleaner mode (dm cleaner): write everything back and send new writes around the cache to the backing file.")
        .dm(DmTable.Option.flag("cleaner", null));
    /** Write every dirty block back when the cache is closed (dm-writecache's flush_on_suspend). */
    public static final Setting<Boolean> FLUSH_ON_CLOSE = flag("writeback.flush.on.close", false,
        "Write every dirty block back when the cache is closed (dm flush_on_suspend).");
    /** How writeback runs reach the backing device. */
    public static final Setting<WritebackPipeline.Kind> WRITEBACK_PIPELINE = choice("writeback.pipeline",
        WritebackPipeline.Kind.class, WritebackPipeline.Kind.SEQUENTIAL, "writeback pipeline", "How writeback reaches "
            + "the backing file: sequential (one thread copies and writes each run) or disruptor (copies go through a "
            + "Disruptor ring to a writer thread; needs org.writecache:writecache-disruptor).")
        .check(k -> unavailable(k::requireAvailable));
    /** Run writeback and autocommit on a background thread. */
    public static final Setting<Boolean> BACKGROUND = flag("writeback.background", true,
        "Run writeback and autocommit on a background thread (false: the embedder calls WriteCache.doWork()).");
    /** How writers waiting for a free block are woken. */
    public static final Setting<WaitPolicy> WAIT_POLICY = choice("freelist.wait", WaitPolicy.class, WaitPolicy.DIRECT,
        "wait policy", "How writers waiting for a free cache block are woken: direct (hand each freed block to the "
            + "oldest waiter; strict FIFO), exclusive (wake one; a woken writer that takes nothing wakes the next), "
            + "wake-all (wake every waiter; they race), swait (wake one, no pass-on: UNSAFE, strands writers next to "
            + "free blocks; only for measurement).");
    /** How long a write may wait for a free block; 0 waits as long as it takes. */
    public static final Setting<Duration> WRITE_TIMEOUT = duration("freelist.wait.timeout", Duration.ZERO,
        "How long a write may wait for a free cache block before failing; 0 waits as long as it takes.");
    /** Record how writers wait for free blocks. */
    public static final Setting<Boolean> FREELIST_STATS = flag("freelist.stats", true,
        "Record how writers wait for free blocks (wait-time histogram, wakeups, stranded time, JFR events; see "
            + "WriteCache.waitStats()); false records nothing and costs nothing.");
    /** Which implementation maps the cache file. */
    public static final Setting<PmemBackend> PMEM_BACKEND = choice("pmem.backend", PmemBackend.class,
        PmemBackend.FFM, "persistent-memory backend", "Persistent-memory backend that maps the cache file: ffm "
            + "(java.lang.foreign) or chronicle (Chronicle Bytes; needs org.writecache:writecache-chronicle).")
        .check(b -> unavailable(b::requireAvailable));
    /** What a flush of persistent memory costs. */
    public static final Setting<FlushPolicy> FLUSH_POLICY = choice("pmem.flush", FlushPolicy.class, FlushPolicy.AUTO,
        "flush policy", "What a flush of persistent memory costs: auto (sync on MAP_SYNC, fence-only on tmpfs, else "
            + "msync), sync, msync or fence-only.");
    /** Touch every page of the cache file when it is mapped. */
    public static final Setting<Boolean> PREFAULT = flag("pmem.prefault", true,
        "Touch every page of the cache file when it is mapped, so no request pays a first-touch page fault.");
    /** Allow formatting over a file that already holds anything: a valid cache, or any other non-empty file. */
    public static final Setting<Boolean> FORCE_FORMAT = flag("format.force", false,
        "Allow formatting over a file that already holds anything: a valid cache, or any other non-empty file. A "
            + "format is atomic either way: the new cache is built in <cache file>.format and renamed over the cache "
            + "file when complete.");
    /** Permission bits of the files a cache creates. */
    public static final Setting<Integer> FILE_MODE = add(Integer.class, "file.mode", "octal file mode",
        Units::parseMode, Units::formatMode, 0600, "Permission bits (octal, as for chmod) of the files a cache "
            + "creates: the cache file, its counters file, and a backing file that format creates; set exactly, "
            + "whatever the umask. Existing files keep theirs.")
        .require(v -> (v & 0600) == 0600, "a mode that lets the owner read and write");
    /** Allow a cache file on neither tmpfs nor DAX. */
    public static final Setting<Boolean> ALLOW_CACHE_NOT_PMEM = flag("allow.cache.not.pmem", false,
        "Allow a cache file on a file system that is neither tmpfs nor DAX, where the cache is slow and, without "
            + "msync, not durable; refused without it.");
    /** Allow pmem.flush=fence-only for a cache file not on tmpfs. */
    public static final Setting<Boolean> ALLOW_FENCE_ONLY_NOT_TMPFS = flag("allow.fence.only.not.tmpfs", false,
        "Allow pmem.flush=fence-only for a cache file that is not on tmpfs, whose writes would then not survive a "
            + "power loss; refused without it.");
    /** Allow a backing file that is a character device. */
    public static final Setting<Boolean> ALLOW_BACKING_CHAR_DEVICE = flag("allow.backing.char.device", false,
        "Allow a backing file that is a character device such as /dev/null, which may keep nothing written back to "
            + "it; refused without it.");
    /** Data checksums, chosen when the cache is formatted and recorded in it. */
    public static final Setting<DataChecksum> DATA_CHECKSUM = choice("data.checksum", DataChecksum.class,
        DataChecksum.DEFAULT, "data checksum", "Data checksums, chosen at format and recorded in the cache file: "
            + "crc32c (format version 2: a CRC-32C of every data block, verified on reads and before writeback; a "
            + "mismatch is an error, never wrong bytes) or none (format version 1). An open uses what the file "
            + "records.");
    /** Verify the checksum of every cached block a read returns. */
    public static final Setting<Boolean> VERIFY_READS = flag("data.verify.reads", true,
        "Verify the checksum of every cached block a read returns (caches formatted with data checksums); false "
            + "still refuses blocks already found bad, and writeback always verifies.");
    /** Verify every dirty data block when the cache is opened. */
    public static final Setting<Boolean> SCRUB_ON_OPEN = flag("scrub.on.open", false,
        "Verify every dirty data block when the cache is opened (progress is logged); blocks that fail are kept as "
            + "bad blocks, never written back.");

    private Settings() {
    }

    /** @return every setting, in the order of {@code config/writecache.properties}. */
    public static List<Setting<?>> all() {
        return Collections.unmodifiableList(ALL);
    }

    /** @return the setting whose property name is {@code name}. */
    public static Optional<Setting<?>> find(final String name) {
        return ALL.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /**
     * @return the setting whose property name is {@code name}.
     * @throws IllegalArgumentException naming {@code name}, the closest known name and where the list is.
     */
    public static Setting<?> named(final String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException("unknown setting " + SettingsText.quote(name)
            + SettingsText.suggestion(name, ALL.stream().map(Setting::name).toList())
            + " (every setting is listed in config/writecache.properties)"));
    }

    // ---- factories, one per kind of value

    private static <T> Setting<T> add(final Class<T> type, final String name, final String syntax,
                                      final Function<String, T> parser, final Function<T, String> printer,
                                      final T defaultValue, final String doc) {
        final Setting<T> s = new Setting<>(ALL.size(), name, type, syntax, parser, printer, defaultValue, doc);
        ALL.add(s);
        return s;
    }

    private static Setting<Path> path(final String name, final String doc) {
        return add(Path.class, name, "path", t -> {
            try {
                return Path.of(nonEmpty(t));
            } catch (final InvalidPathException e) {
                throw new IllegalArgumentException("not a path: '" + t + "' (" + e.getReason() + ")", e);
            }
        }, Path::toString, null, doc);
    }

    private static Setting<Long> size(final String name, final long defaultValue, final String doc) {
        return add(Long.class, name, "size", Units::parseSize, Units::formatSize, defaultValue, doc)
            .require(v -> v >= 0, "a non-negative size");
    }

    private static Setting<Integer> integer(final String name, final int defaultValue, final int min, final int max,
                                            final String doc) {
        return add(Integer.class, name, "whole number", Units::parseInt, String::valueOf, defaultValue, doc)
            .require(v -> v >= min && v <= max, max == Integer.MAX_VALUE ? "at least " + min
                : "from " + min + " to " + max);
    }

    private static Setting<Integer> percentage(final String name, final int defaultValue, final String doc) {
        return add(Integer.class, name, "percentage", Units::parseInt, String::valueOf, defaultValue, doc)
            .require(v -> v >= 0 && v <= 100, "a percentage from 0 to 100");
    }

    private static Setting<Duration> duration(final String name, final Duration defaultValue, final String doc) {
        return add(Duration.class, name, "duration", Units::parseDuration, Units::formatDuration, defaultValue, doc)
            .require(d -> !d.isNegative(), "a non-negative duration")
            .require(d -> d.compareTo(Units.MAX_DURATION) <= 0, "at most " + Units.MAX_DURATION_TEXT);
    }

    private static Setting<Boolean> flag(final String name, final boolean defaultValue, final String doc) {
        return add(Boolean.class, name, "true or false", Units::parseFlag, String::valueOf, defaultValue, doc);
    }

    private static <E extends Enum<E>> Setting<E> choice(final String name, final Class<E> type, final E defaultValue,
                                                         final String what, final String doc) {
        return add(type, name, "one of " + EnumNames.labels(type), t -> EnumNames.parse(type, what, t),
            EnumNames::label, defaultValue, doc);
    }

    private static String nonEmpty(final String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("empty");
        }
        return text;
    }

    private static int intSize(final String text) {
        final long bytes = Units.parseSize(text);
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("size '" + text + "' does not fit in 31 bits");
        }
        return (int) bytes;
    }

    /** A selected implementation whose artifact is missing is a configuration error, named before anything runs. */
    private static String unavailable(final Runnable requireAvailable) {
        try {
            requireAvailable.run();
            return null;
        } catch (final IllegalStateException e) {
            return e.getMessage();
        }
    }
}
