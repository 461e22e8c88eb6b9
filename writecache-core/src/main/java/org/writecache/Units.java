package org.writecache;

import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** Parsing of the value forms configuration accepts: sizes, durations, booleans, enum names and file modes. */
final class Units {
    private Units() {
    }

    /** Parses {@code 4096}, {@code 4k}, {@code 256m}, {@code 1g}, {@code 2t} (powers of 1024; a trailing b or ib is allowed). */
    static long parseSize(final String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.endsWith("ib")) {
            t = t.substring(0, t.length() - 2);
        } else if (t.endsWith("b")) {
            t = t.substring(0, t.length() - 1);
        }
        if (t.isEmpty()) {
            throw new NumberFormatException("empty size: '" + text + "'");
        }
        final int shift = switch (t.charAt(t.length() - 1)) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            case 't' -> 40;
            default -> 0;
        };
        final long n = Long.parseLong(shift == 0 ? t : t.substring(0, t.length() - 1).trim());
        if (n < 0 || (shift > 0 && n > (Long.MAX_VALUE >> shift))) {
            throw new NumberFormatException("size out of range: '" + text + "'");
        }
        return n << shift;
    }

    /** Parses {@code 250ms}, {@code 2s}, {@code 5m}, {@code 1h}, or a bare number of milliseconds. */
    static Duration parseDuration(final String text) {
        final String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2).trim()));
        }
        if (t.endsWith("s")) {
            return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1).trim()));
        }
        if (t.endsWith("m")) {
            return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1).trim()));
        }
        if (t.endsWith("h")) {
            return Duration.ofHours(Long.parseLong(t.substring(0, t.length() - 1).trim()));
        }
        return Duration.ofMillis(Long.parseLong(t));
    }

    /** Parses true/false, yes/no, on/off, 1/0. */
    static boolean parseBoolean(final String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new IllegalArgumentException("not a boolean: '" + text + "' (use true or false)");
        };
    }

    /** Parses an enum constant by name, ignoring case and treating '-' as '_'. */
    static <E extends Enum<E>> E parseEnum(final Class<E> type, final String text) {
        final String t = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (final E e : type.getEnumConstants()) {
            if (e.name().equals(t)) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown " + type.getSimpleName() + " '" + text + "': expected one of "
            + Arrays.stream(type.getEnumConstants())
                .map(e -> e.name().toLowerCase(Locale.ROOT).replace('_', '-')).toList());
    }

    /**
     * @param text permission bits in octal, as for chmod: {@code 600}, {@code 0640}.
     * @throws IllegalArgumentException naming the text unless it is 3 or 4 octal digits of permission bits only.
     */
    static Set<PosixFilePermission> parseMode(final String text) {
        final String t = text.trim();
        if (!t.matches("0?[0-7]{3}")) {
            throw new IllegalArgumentException("file mode must be 3 octal digits (such as 600 or 0640): '" + text
                + "'");
        }
        final int bits = Integer.parseInt(t, 8);
        final Set<PosixFilePermission> mode = EnumSet.noneOf(PosixFilePermission.class);
        final PosixFilePermission[] order = PosixFilePermission.values(); // OWNER_READ .. OTHERS_EXECUTE
        for (int i = 0; i < order.length; i++) {
            if ((bits & (0400 >> i)) != 0) {
                mode.add(order[i]);
            }
        }
        return mode;
    }

    /** @return {@code mode} as 4 octal digits, such as {@code 0600}. */
    static String formatMode(final Set<PosixFilePermission> mode) {
        int bits = 0;
        final PosixFilePermission[] order = PosixFilePermission.values();
        for (int i = 0; i < order.length; i++) {
            if (mode.contains(order[i])) {
                bits |= 0400 >> i;
            }
        }
        return String.format(Locale.ROOT, "%04o", bits);
    }
}
