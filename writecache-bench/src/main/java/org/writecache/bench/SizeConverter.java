package org.writecache.bench;

import org.writecache.Units;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads a positive size option with the one size parser of the project ({@link Units#parseSize}): {@code 4096},
 * {@code 128m}, {@code 4KiB}, {@code 1.5g}.
 */
public final class SizeConverter implements ITypeConverter<Long> {

    @Override
    public Long convert(final String value) {
        final long bytes;
        try {
            bytes = Units.parseSize(value);
        } catch (final IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
        if (bytes == 0) {
            throw new TypeConversionException("size must be positive: '" + value + "'");
        }
        return bytes;
    }
}
