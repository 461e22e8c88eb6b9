package org.writecache;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * dm-writecache table lines: {@code writecache p <backing> <cache> <block_size> <#opts> [opts...]}, so a dmsetup
 * table can be reused as a configuration and a configuration printed as one.
 *
 * <p>The options are those of the {@link Setting}s that declare a dm option (see {@link Settings}):
 * {@code start_sector n}, {@code high_watermark n}, {@code low_watermark n}, {@code writeback_jobs n},
 * {@code autocommit_blocks n}, {@code autocommit_time ms}, {@code max_age ms}, {@code pause_writeback ms},
 * {@code fua}, {@code nofua}, {@code cleaner}. {@code #opts} counts words, as the kernel does. Only mode {@code p}
 * exists here (the cache is always a mapped file), and {@code metadata_only} has no meaning without metadata-flagged
 * I/O; both are rejected by name. A dmsetup line with a leading {@code <start> <length>} is accepted too. Values are
 * checked by {@link WriteCacheConfig.Builder#build()}.
 */
public final class DmTable {
    /** The target name. */
    public static final String TARGET = "writecache";
    /** Bytes per sector: start_sector counts these. */
    public static final int SECTOR = 512;

    private DmTable() {
    }

    /**
     * How a setting is written among a table line's options.
     *
     * @param word    the option word ({@code high_watermark}, or a flag such as {@code fua}).
     * @param offWord for a flag written either way, the word of false ({@code nofua}); else null.
     * @param unit    bytes per unit of a size ({@code start_sector} counts sectors); 1 for numbers, 0 for flags.
     * @param always  whether {@link #format} writes the option when it holds its default.
     */
    record Option(String word, String offWord, long unit, boolean always) {
        /** A number always written (integers as they are, durations in milliseconds). */
        static Option number(final String word) {
            return new Option(word, null, 1, true);
        }

        /** A number written only when it is not the default (0: off). */
        static Option unlessDefault(final String word) {
            return new Option(word, null, 1, false);
        }

        /** A size in sectors, written only when it is not the default. */
        static Option sectors(final String word) {
            return new Option(word, null, SECTOR, false);
        }

        /** A flag: {@code on} for true; {@code off} for false, or nothing when {@code off} is null. */
        static Option flag(final String on, final String off) {
            return new Option(on, off, 0, off != null);
        }

        boolean isFlag() {
            return unit == 0;
        }
    }

    /**
     * Parses a table line into a builder holding the line's settings and defaults for the rest.
     *
     * @throws IllegalArgumentException naming the word that is wrong.
     */
    public static WriteCacheConfig.Builder parse(final String line) {
        return parse(line, WriteCacheConfig.builder());
    }

    /**
     * Applies a table line's settings to {@code into}: the backing location, the cache file, the block size and each
     * option given; every other setting keeps its value.
     *
     * @return {@code into}.
     * @throws IllegalArgumentException naming the word that is wrong.
     */
    public static WriteCacheConfig.Builder parse(final String line, final WriteCacheConfig.Builder into) {
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
        final int n = (int) Math.min(Integer.MAX_VALUE, number("#opts", w.get(5)));
        if (n != w.size() - 6) {
            throw new IllegalArgumentException("#opts is " + n + " but " + (w.size() - 6) + " option words follow: '"
                + line + "'");
        }
        into.backingLocation(w.get(2)).cacheFile(cacheFile(w.get(3)));
        put(into, Settings.BLOCK_SIZE, "block_size", 1, w.get(4));
        for (int i = 6; i < w.size(); i++) {
            final String opt = w.get(i);
            if (opt.equals("metadata_only")) {
                throw new IllegalArgumentException(
                    "option metadata_only is not supported: requests carry no metadata flag here");
            }
            final Setting<?> s = settingOf(opt);
            final Option o = s.dm();
            if (o.isFlag()) {
                set(into, s, opt.equals(o.word()));
            } else {
                if (i + 1 >= w.size()) {
                    throw new IllegalArgumentException("option " + opt + " needs a value");
                }
                put(into, s, opt, o.unit(), w.get(++i));
            }
        }
        return into;
    }

    /** @return the table line of {@code c}, every option spelled out. */
    public static String format(final WriteCacheConfig c) {
        final List<String> opts = new ArrayList<>();
        for (final Setting<?> s : Settings.all()) {
            final Option o = s.dm();
            final Object value = o == null ? null : c.get(s);
            if (o == null || !o.always() && value.equals(s.defaultValue())) {
                continue;
            }
            if (o.isFlag()) {
                opts.add((Boolean) value ? o.word() : o.offWord());
            } else {
                opts.add(o.word());
                opts.add(Long.toString(value instanceof Duration d ? d.toMillis() : ((Number) value).longValue()
                    / o.unit()));
            }
        }
        return String.format(Locale.ROOT, "%s p %s %s %d %d %s", TARGET, c.backingLocation(), c.cacheFile(),
            c.blockSize(), opts.size(), String.join(" ", opts)).trim();
    }

    private static Setting<?> settingOf(final String word) {
        for (final Setting<?> s : Settings.all()) {
            if (s.dm() != null && (word.equals(s.dm().word()) || word.equals(s.dm().offWord()))) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown writecache option '" + word + "'");
    }

    /** Sets {@code s} from the number {@code text} counting {@code unit}s, refusing what its type cannot hold. */
    private static <T> void put(final WriteCacheConfig.Builder b, final Setting<T> s, final String what,
                                final long unit, final String text) {
        final long n = number(what, text);
        final Object value;
        if (s.type() == Duration.class) {
            value = Duration.ofMillis(n);
        } else if (s.type() == Integer.class) {
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(what + " is too large: '" + text + "' (at most "
                    + Integer.MAX_VALUE + ")");
            }
            value = (int) n;
        } else {
            if (n > Long.MAX_VALUE / unit) {
                throw new IllegalArgumentException(what + " is too large: '" + text + "' (at most "
                    + Long.MAX_VALUE / unit + ")");
            }
            value = n * unit;
        }
        set(b, s, value);
    }

    private static <T> void set(final WriteCacheConfig.Builder b, final Setting<T> s, final Object value) {
        b.set(s, s.cast(value));
    }

    private static Path cacheFile(final String text) {
        try {
            return Path.of(text);
        } catch (final InvalidPathException e) {
            throw new IllegalArgumentException("cache device is not a path: '" + text + "'", e);
        }
    }

    private static boolean isNumber(final String s) {
        return !s.isEmpty() && s.chars().allMatch(Character::isDigit);
    }

    private static long number(final String what, final String v) {
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
}
