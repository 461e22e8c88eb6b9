package org.writecache.bench;

import java.time.Duration;

import org.writecache.Units;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads a duration option with the one duration parser of the project ({@link Units#parseDuration}): {@code 1500ms},
 * {@code 1.5s}, {@code 2m}; a bare number is milliseconds.
 */
public final class DurationConverter implements ITypeConverter<Duration> {

    @Override
    public Duration convert(final String value) {
        try {
            return Units.parseDuration(value);
        } catch (final IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
