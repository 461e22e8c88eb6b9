package org.writecache;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one parser and printer of sizes, durations and flags, used by every setting, the dm table line and every option
 * of the command line, so that a value written in one place is read the same way in every other.
 *
 * <ul>
 *   <li>Sizes: a number with an optional binary unit {@code k}, {@code m}, {@code g}, {@code t}, {@code p} (powers of
 *       1024), optionally followed by {@code b} or {@code ib}, in any case: {@code 4096}, {@code 4k}, {@code 4KiB},
 *       {@code 1.5g}. A fraction must come out as whole bytes.</li>
 *   <li>Durations: a number with a unit {@code ns}, {@code us}, {@code ms}, {@code s}, {@code m}, {@code h} or
 *       {@code d}; a bare number is milliseconds (as in dm-writecache's table line): {@code 250ms}, {@code 1.5s},
 *       {@code 1000}. ISO-8601 ({@code PT1S}) is accepted too. At most {@link #MAX_DURATION}.</li>
 *   <li>Flags: {@code true}/{@code false}, {@code yes}/{@code no}, {@code on}/{@code off}, {@code 1}/{@code 0}.</li>
 * </ul>
 * Negative sizes and durations are refused: no setting or option has a use for one.
 */
public final class Units {
    /**
     * The longest duration anything accepts: 100 years. Every duration fits in nanoseconds as a long with room to
     * spare, so the engine can add one to a clock reading without overflow.
     */
    public static final Duration MAX_DURATION = Duration.ofDays(36_500);
    /** {@link #MAX_DURATION} as messages name it. */
    public static final String MAX_DURATION_TEXT = "36500d (100 years)";

    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgtp]?)(?:i?b)?");
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ns|us|\u00b5s|ms|s|m|h|d)?");
    private static final String SIZE_FORMS = "a size such as 4096, 64k, 4KiB, 256m or 1.5g";
    private static final String DURATION_FORMS = "a duration such as 250ms, 2s, 1.5s, 5m or 1h (a bare number is ms)";
    private static final String[] SIZE_UNITS = {"p", "t", "g", "m", "k"};
    private static final long[] SIZE_SHIFTS = {50, 40, 30, 20, 10};
    private static final String[] DURATION_UNITS = {"d", "h", "m", "s", "ms", "us", "ns"};
    private static final long[] DURATION_NANOS = {86_400_000_000_000L, 3_600_000_000_000L, 60_000_000_000L,
        1_000_000_000L, 1_000_000L, 1_000L, 1L};

    private Units() {
    }

    /**
     * @return the bytes {@code text} names.
     * @throws IllegalArgumentException naming {@code text} if it is not a non-negative size that fits in a long.
     */
    public static long parseSize(final String text) {
        final Matcher m = SIZE.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (text.strip().startsWith("-")) {
            throw new IllegalArgumentException("size '" + text + "' is negative");
        }
        if (!m.matches()) {
            throw new IllegalArgumentException("not " + SIZE_FORMS + ": '" + text + "'");
        }
        final int unit = m.group(2).isEmpty() ? 0 : "kmgtp".indexOf(m.group(2)) + 1;
        final BigDecimal bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(1L << (10 * unit)));
        try {
            return bytes.longValueExact();
        } catch (final ArithmeticException e) {
            throw new IllegalArgumentException(bytes.signum() > 0 && bytes.stripTrailingZeros().scale() <= 0
                ? "size '" + text + "' does not fit in 63 bits (at most 8191p)" : "size '" + text
                + "' is not a whole number of bytes", e);
        }
    }

    /** @return {@code bytes} in the largest unit that divides it exactly, bare bytes below 1 MiB. */
    public static String formatSize(final long bytes) {
        if (bytes >= 1 << 20) {
            for (int i = 0; i < SIZE_UNITS.length; i++) {
                if (bytes % (1L << SIZE_SHIFTS[i]) == 0) {
                    return (bytes >> SIZE_SHIFTS[i]) + SIZE_UNITS[i];
                }
            }
        }
        return Long.toString(bytes);
    }

    /**
     * @return the duration {@code text} names.
     * @throws IllegalArgumentException naming {@code text} if it is not a non-negative duration of at most
     *                                  {@link #MAX_DURATION} in whole nanoseconds.
     */
    public static Duration parseDuration(final String text) {
        final String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.startsWith("-")) {
            throw new IllegalArgumentException("duration '" + text + "' is negative");
        }
        final BigDecimal nanos;
        if (t.startsWith("p")) {
            try {
                final Duration d = Duration.parse(t);
                nanos = new BigDecimal(d.getSeconds()).scaleByPowerOfTen(9).add(BigDecimal.valueOf(d.getNano()));
            } catch (final java.time.format.DateTimeParseException e) {
                throw new IllegalArgumentException("not " + DURATION_FORMS + ": '" + text + "'", e);
            }
        } else {
            final Matcher m = DURATION.matcher(t);
            if (!m.matches()) {
                throw new IllegalArgumentException("not " + DURATION_FORMS + ": '" + text + "'");
            }
            final String unit = m.group(2) == null ? "ms" : m.group(2).replace('\u00b5', 'u');
            nanos = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(nanosPer(unit)));
        }
        if (nanos.signum() < 0) {
            throw new IllegalArgumentException("duration '" + text + "' is negative");
        }
        if (nanos.compareTo(new BigDecimal(MAX_DURATION.toNanos())) > 0) {
            throw new IllegalArgumentException("duration '" + text + "' is longer than " + MAX_DURATION_TEXT);
        }
        try {
            return Duration.ofNanos(nanos.longValueExact());
        } catch (final ArithmeticException e) {
            throw new IllegalArgumentException("duration '" + text + "' is not a whole number of nanoseconds", e);
        }
    }

    /** @return {@code d} in the largest unit that divides it exactly, {@code 0} for zero; the ISO form if huge. */
    public static String formatDuration(final Duration d) {
        final BigInteger nanos = BigInteger.valueOf(d.getSeconds()).multiply(BigInteger.valueOf(1_000_000_000L))
            .add(BigInteger.valueOf(d.getNano()));
        if (nanos.signum() == 0) {
            return "0";
        }
        for (int i = 0; i < DURATION_UNITS.length; i++) {
            final BigInteger[] qr = nanos.divideAndRemainder(BigInteger.valueOf(DURATION_NANOS[i]));
            if (qr[1].signum() == 0) {
                return qr[0] + DURATION_UNITS[i];
            }
        }
        return d.toString();
    }

    /**
     * @return the flag {@code text} names.
     * @throws IllegalArgumentException naming {@code text} if it is none of the accepted words.
     */
    public static boolean parseFlag(final String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new IllegalArgumentException("not true or false: '" + text + "'");
        };
    }

    /**
     * @return the int {@code text} names.
     * @throws IllegalArgumentException naming {@code text} if it is not a whole number that fits in an int.
     */
    public static int parseInt(final String text) {
        try {
            return Integer.parseInt(text.strip());
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException("not a whole number from " + Integer.MIN_VALUE + " to "
                + Integer.MAX_VALUE + ": '" + text + "'", e);
        }
    }

    /**
     * @param text permission bits in octal, as for chmod: {@code 600}, {@code 0640}.
     * @return the bits.
     * @throws IllegalArgumentException naming the text unless it is 3 octal digits (4 with a leading 0).
     */
    public static int parseMode(final String text) {
        final String t = text.strip();
        if (!t.matches("0?[0-7]{3}")) {
            throw new IllegalArgumentException("not a file mode of 3 octal digits such as 600 or 0640: '" + text
                + "'");
        }
        return Integer.parseInt(t, 8);
    }

    /** @return permission bits as 4 octal digits, such as {@code 0600}. */
    public static String formatMode(final int bits) {
        return String.format(Locale.ROOT, "%04o", bits);
    }

    /** @return permission bits (0 to 0777) as the permissions of {@link java.nio.file.Files}. */
    public static Set<PosixFilePermission> permissions(final int bits) {
        final Set<PosixFilePermission> mode = EnumSet.noneOf(PosixFilePermission.class);
        final PosixFilePermission[] order = PosixFilePermission.values(); // OWNER_READ .. OTHERS_EXECUTE
        for (int i = 0; i < order.length; i++) {
            if ((bits & (0400 >> i)) != 0) {
                mode.add(order[i]);
            }
        }
        return mode;
    }

    private static long nanosPer(final String unit) {
        for (int i = 0; i < DURATION_UNITS.length; i++) {
            if (DURATION_UNITS[i].equals(unit)) {
                return DURATION_NANOS[i];
            }
        }
        throw new IllegalStateException("unit " + unit);
    }
}
