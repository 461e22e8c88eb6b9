package org.writecache.bench.report;

import java.util.Locale;

/** Number formatting shared by the console, markdown and HTML reports: three significant digits, k/M suffixes. */
public final class Format {
    private Format() {
    }

    /** @return {@code v} with about three significant digits, such as {@code 0.853}, {@code 41.2}, {@code 512k}. */
    public static String number(final double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        final double a = Math.abs(v);
        if (a >= 1e7) {
            return String.format(Locale.ROOT, "%.1fM", v / 1e6);
        }
        if (a >= 1e4) {
            return String.format(Locale.ROOT, "%.0fk", v / 1e3);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }

    /** @return median and range, such as {@code 512k (480k-530k)}. */
    public static String spread(final Stats s) {
        if (Double.isNaN(s.median())) {
            return "-";
        }
        if (s.min() == s.max()) {
            return number(s.median());
        }
        return number(s.median()) + " (" + number(s.min()) + "-" + number(s.max()) + ")";
    }
}
