package org.writecache;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * dm-writecache table lines: {@code writecache p <backing> <cache> <block_size> <#opts> [opts...]}, so a dmsetup
 * table can be reused as a configuration and a configuration printed as one.
 *
 * <p>Options understood: {@code start_sector n}, {@code high_watermark n}, {@code low_watermark n},
 * {@code writeback_jobs n}, {@code autocommit_blocks n}, {@code autocommit_time ms}, {@code max_age ms},
 * {@code pause_writeback ms}, {@code fua}, {@code nofua}, {@code cleaner}. {@code #opts} counts words, as the kernel
 * does. Only mode {@code p} exists here (the cache is always a mapped file), and {@code metadata_only} has no meaning
 * without metadata-flagged I/O; both are rejected by name. A dmsetup line with a leading {@code <start> <length>}
 * is accepted too. Values are checked by {@link WriteCacheConfig.Builder#build()}.
 */
public final class DmTable {
    /** The target name. */
    public static final String TARGET = "writecache";
    /** Bytes per sector: start_sector counts these. */
    public static final int SECTOR = 512;

    private DmTable() {
    }

    /**
     * Parses a table line into a builder holding the line's settings and defaults for the rest.
     *
     * @throws IllegalArgumentException naming the word that is wrong.
     */
    public static WriteCacheConfig.Builder parse(final String line) {
        final List<String> w = new ArrayList<>(List.of(line.trim().split("\\s+")));
        if (w.size() > 2 && isNumber(w.get(0)) && isNumber(w.get(1)) && TARGET.equals(w.get(2))) {
            w.subList(0, 2).clear();
        }
        if (w.size() < 6 || !TARGET.equals(w.get(0))) {
            throw new IllegalArgumentException("not a writecache table line (want 'writecache p <backing> <cache> "
                + "<block_size> <#opts> [opts...]'): '" + line + "'");
        }
        if (!"p".equals(w.get(1))) {
            throw new IllegalArgumentException("mode '" + w.get(1) + "' is not supported: only 'p' (persistent memory)"
                + " exists here, the cache is always a mapped file");
        }
        final WriteCacheConfig.Builder b = WriteCacheConfig.builder()
            .backingFile(Path.of(w.get(2))).cacheFile(Path.of(w.get(3)))
            .blockSize(intValue("block_size", w.get(4)));
        final int n = intValue("#opts", w.get(5));
        if (n != w.size() - 6) {
            throw new IllegalArgumentException("#opts is " + n + " but " + (w.size() - 6) + " option words follow: '"
                + line + "'");
        }
        for (int i = 6; i < w.size(); i++) {
            final String opt = w.get(i);
            switch (opt) {
                case "fua" -> b.writebackFua(true);
                case "nofua" -> b.writebackFua(false);
                case "cleaner" -> b.cleaner(true);
                case "metadata_only" -> throw new IllegalArgumentException(
                    "option metadata_only is not supported: requests carry no metadata flag here");
                case "start_sector", "high_watermark", "low_watermark", "writeback_jobs", "autocommit_blocks",
                     "autocommit_time", "max_age", "pause_writeback" -> {
                    if (i + 1 >= w.size()) {
                        throw new IllegalArgumentException("option " + opt + " needs a value");
                    }
                    final String v = w.get(++i);
                    switch (opt) {
                        case "start_sector" -> b.startOffset(Math.multiplyExact(longValue(opt, v), SECTOR));
                        case "high_watermark" -> b.highWatermark(intValue(opt, v));
                        case "low_watermark" -> b.lowWatermark(intValue(opt, v));
                        case "writeback_jobs" -> b.writebackJobs(intValue(opt, v));
                        case "autocommit_blocks" -> b.autocommitBlocks(intValue(opt, v));
                        case "autocommit_time" -> b.autocommitTime(Duration.ofMillis(longValue(opt, v)));
                        case "max_age" -> b.maxAge(Duration.ofMillis(longValue(opt, v)));
                        default -> b.pause(Duration.ofMillis(longValue(opt, v)));
                    }
                }
                default -> throw new IllegalArgumentException("unknown writecache option '" + opt + "'");
            }
        }
        return b;
    }

    /** @return the table line of {@code c}, every option spelled out. */
    public static String format(final WriteCacheConfig c) {
        final List<String> opts = new ArrayList<>();
        if (c.startOffset() != 0) {
            add(opts, "start_sector", c.startOffset() / SECTOR);
        }
        add(opts, "high_watermark", c.highWatermark());
        add(opts, "low_watermark", c.lowWatermark());
        add(opts, "writeback_jobs", c.writebackJobs());
        add(opts, "autocommit_blocks", c.autocommitBlocks());
        add(opts, "autocommit_time", c.autocommitTime().toMillis());
        if (!c.maxAge().isZero()) {
            add(opts, "max_age", c.maxAge().toMillis());
        }
        if (!c.pause().isZero()) {
            add(opts, "pause_writeback", c.pause().toMillis());
        }
        opts.add(c.writebackFua() ? "fua" : "nofua");
        if (c.cleaner()) {
            opts.add("cleaner");
        }
        return String.format(Locale.ROOT, "%s p %s %s %d %d %s", TARGET, c.backingFile(), c.cacheFile(),
            c.blockSize(), opts.size(), String.join(" ", opts)).trim();
    }

    private static void add(final List<String> opts, final String name, final long value) {
        opts.add(name);
        opts.add(Long.toString(value));
    }

    private static boolean isNumber(final String s) {
        return !s.isEmpty() && s.chars().allMatch(Character::isDigit);
    }

    private static long longValue(final String what, final String v) {
        try {
            final long n = Long.parseLong(v);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be a non-negative number: '" + v + "'", e);
        }
    }

    private static int intValue(final String what, final String v) {
        final long n = longValue(what, v);
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(what + " is too large: '" + v + "'");
        }
        return (int) n;
    }
}
