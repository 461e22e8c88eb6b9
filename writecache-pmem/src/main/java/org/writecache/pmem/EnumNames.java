package org.writecache.pmem;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Parses enum constants from configuration text, with errors that name the bad value and the allowed ones. */
final class EnumNames {
    private EnumNames() {
    }

    /**
     * @param type  the enum.
     * @param what  what the value configures, for the message ("persistent-memory backend").
     * @param value the text: a constant's name in any case, surrounding blanks ignored.
     * @throws IllegalArgumentException if {@code value} is null, blank or names no constant.
     */
    static <E extends Enum<E>> E parse(final Class<E> type, final String what, final String value) {
        if (value != null) {
            final String wanted = value.strip().toUpperCase(Locale.ROOT);
            for (final E constant : type.getEnumConstants()) {
                if (constant.name().equals(wanted)) {
                    return constant;
                }
            }
        }
        final String allowed = Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", "));
        throw new IllegalArgumentException(
            "unknown " + what + " " + (value == null ? "null" : "'" + value + "'") + "; allowed: " + allowed);
    }
}
