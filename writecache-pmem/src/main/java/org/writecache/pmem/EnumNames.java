package org.writecache.pmem;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The one spelling of enum values in configuration, used by every setting, parser and message: the constant's name in
 * lower case with {@code -} for {@code _} ({@code FENCE_ONLY} is {@code fence-only}). Parsing also accepts the
 * constant's name in any case, {@code _} or {@code -}, with surrounding blanks.
 */
public final class EnumNames {
    private EnumNames() {
    }

    /** @return {@code constant} as configuration spells it, such as {@code fence-only}. */
    public static String label(final Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** @return every constant of {@code type} as configuration spells it, comma separated. */
    public static String labels(final Class<? extends Enum<?>> type) {
        return Arrays.stream(type.getEnumConstants()).map(EnumNames::label).collect(Collectors.joining(", "));
    }

    /**
     * @param type  the enum.
     * @param what  what the value configures, for the message ("persistent-memory backend").
     * @param value the text: a constant's label or name in any case, surrounding blanks ignored.
     * @return the constant.
     * @throws IllegalArgumentException if {@code value} is null, blank or names no constant; the message names the
     *                                  value and the allowed ones.
     */
    public static <E extends Enum<E>> E parse(final Class<E> type, final String what, final String value) {
        if (value != null) {
            final String wanted = value.strip().toUpperCase(Locale.ROOT).replace('-', '_');
            for (final E constant : type.getEnumConstants()) {
                if (constant.name().equals(wanted)) {
                    return constant;
                }
            }
        }
        throw new IllegalArgumentException(
            "unknown " + what + " " + (value == null ? "null" : "'" + value + "'") + "; allowed: " + labels(type));
    }
}
