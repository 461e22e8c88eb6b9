package org.writecache.bench;

import java.util.Locale;

import picocli.CommandLine.ITypeConverter;

/** Parses sizes such as {@code 4096}, {@code 128m} or {@code 1g} (k, m, g, t are powers of 1024). */
public final class SizeConverter implements ITypeConverter<Long> {

    @Override
    public Long convert(final String value) {
        return parse(value);
    }

    /** @throws IllegalArgumentException naming the value if it is not a positive size. */
    public static long parse(final String value) {
        final String t = value.trim().toLowerCase(Locale.ROOT);
        final int shift = switch (t.isEmpty() ? ' ' : t.charAt(t.length() - 1)) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            case 't' -> 40;
            default -> 0;
        };
        try {
            final long n = Long.parseLong(shift == 0 ? t : t.substring(0, t.length() - 1));
            if (n <= 0 || n > (Long.MAX_VALUE >> shift)) {
                throw new IllegalArgumentException("size must be positive and fit in 63 bits: '" + value + "'");
            }
            return n << shift;
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException("not a size (a number with optional k/m/g/t): '" + value + "'", e);
        }
    }
}
