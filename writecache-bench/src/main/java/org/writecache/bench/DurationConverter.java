package org.writecache.bench;

import java.time.Duration;
import java.util.Locale;

import picocli.CommandLine.ITypeConverter;

/** Parses durations such as {@code 1500ms}, {@code 2s} or {@code 1m}; a bare number is milliseconds. */
public final class DurationConverter implements ITypeConverter<Duration> {

    @Override
    public Duration convert(final String value) {
        final String t = value.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            if (t.endsWith("s")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
            }
            if (t.endsWith("m")) {
                return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)) * 60);
            }
            return Duration.ofMillis(Long.parseLong(t));
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException("not a duration (such as 500ms, 2s, 1m): '" + value + "'", e);
        }
    }
}
