package org.writecache;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/** Parsing of the value forms configuration accepts: sizes, durations, booleans and enum names. */
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
}
