package org.writecache;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Texts generated from the descriptors in {@link Settings}: {@code config/writecache.properties} and the README's
 * table of settings. Tests compare both files with what is generated here; {@code writecache config --defaults} and
 * {@code writecache config --markdown} print them.
 */
public final class SettingsText {
    private static final int WIDTH = 118;
    private static final String HEADER = """
        # writecache configuration: every setting with its default (an example value where there is none).
        # Sizes take k/m/g/t/p (powers of 1024; b or ib may follow; 1.5g works), durations take ns/us/ms/s/m/h/d (a bare
        # number is milliseconds). Load with WriteCacheConfig.load(path) or
        # `bin/writecache <command> --config config/writecache.properties`.
        # Generated from org.writecache.Settings by `bin/writecache config --defaults`: change the descriptors there.
        """;

    private SettingsText() {
    }

    /** @return the text of {@code config/writecache.properties}: each setting's documentation, then its value. */
    public static String propertiesFile() {
        final StringBuilder b = new StringBuilder(HEADER);
        for (final Setting<?> s : Settings.all()) {
            b.append('\n');
            for (final String line : wrap(s.doc() + defaultNote(s), WIDTH - 2)) {
                b.append("# ").append(line).append('\n');
            }
            b.append(s.name()).append('=').append(s.shippedValue()).append('\n');
        }
        return b.toString();
    }

    /** @return the README's table of settings: property, default, meaning. */
    public static String markdownTable() {
        final StringBuilder b = new StringBuilder("| property | default | meaning |\n|---|---|---|\n");
        for (final Setting<?> s : Settings.all()) {
            b.append("| `").append(s.name()).append("` | ").append(defaultText(s)).append(" | ")
                .append(s.doc().replace("|", "\\|")).append(" |\n");
        }
        return b.toString();
    }

    /** @return "; did you mean 'x'?" for the known name closest to {@code name}, or "" if none is close. */
    static String suggestion(final String name, final List<String> known) {
        return known.stream().min(Comparator.comparingInt(k -> distance(name, k)))
            .filter(k -> distance(name, k) <= Math.max(2, name.length() / 4))
            .map(k -> "; did you mean '" + k + "'?").orElse("");
    }

    /** @return {@code text} in single quotes, control and non-ASCII characters escaped, cut after 60 characters. */
    static String quote(final String text) {
        final StringBuilder b = new StringBuilder("'");
        text.codePoints().limit(60).forEach(c -> {
            if (c >= 0x20 && c < 0x7f) {
                b.appendCodePoint(c);
            } else {
                b.append(String.format("\\u%04x", c));
            }
        });
        return b.append(text.codePointCount(0, text.length()) > 60 ? "...'" : "'").toString();
    }

    private static String defaultText(final Setting<?> s) {
        if (s.defaultValue() == null) {
            return s.required() ? "(required)" : "(none)";
        }
        return formatted(s);
    }

    private static String defaultNote(final Setting<?> s) {
        return s.defaultValue() == null || s.shippedValue().equals(formatted(s)) ? ""
            : " Default: " + formatted(s) + ".";
    }

    private static <T> String formatted(final Setting<T> s) {
        return s.format(s.defaultValue());
    }

    private static List<String> wrap(final String text, final int width) {
        final List<String> lines = new ArrayList<>();
        final StringBuilder line = new StringBuilder();
        for (final String word : text.split(" ")) {
            if (!line.isEmpty() && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            line.append(line.isEmpty() ? "" : " ").append(word);
        }
        lines.add(line.toString());
        return lines;
    }

    private static int distance(final String a, final String b) {
        final int[] prev = new int[b.length() + 1];
        final int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(Math.min(cur[j - 1], prev[j]) + 1,
                    prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            System.arraycopy(cur, 0, prev, 0, cur.length);
        }
        return prev[b.length()];
    }
}
