package org.writecache.bench.report;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** A minimal JSON writer for maps, lists, strings, numbers and booleans (the bench's results file). */
public final class Json {
    private Json() {
    }

    /** @return {@code value} as JSON; maps keep their iteration order, NaN and infinities become null. */
    public static String write(final Object value) {
        final StringBuilder b = new StringBuilder();
        write(b, value, 0);
        return b.append('\n').toString();
    }

    private static void write(final StringBuilder b, final Object v, final int indent) {
        switch (v) {
            case null -> b.append("null");
            case String s -> quote(b, s);
            case Boolean x -> b.append(x);
            case Double d -> b.append(d.isNaN() || d.isInfinite() ? "null" : d.toString());
            case Float f -> write(b, f.doubleValue(), indent);
            case Number n -> b.append(n);
            case Map<?, ?> m -> {
                b.append('{');
                final Iterator<? extends Map.Entry<?, ?>> it = m.entrySet().iterator();
                while (it.hasNext()) {
                    final Map.Entry<?, ?> e = it.next();
                    newline(b, indent + 1);
                    quote(b, String.valueOf(e.getKey()));
                    b.append(": ");
                    write(b, e.getValue(), indent + 1);
                    if (it.hasNext()) {
                        b.append(',');
                    }
                }
                if (!m.isEmpty()) {
                    newline(b, indent);
                }
                b.append('}');
            }
            case List<?> l -> {
                b.append('[');
                for (int i = 0; i < l.size(); i++) {
                    newline(b, indent + 1);
                    write(b, l.get(i), indent + 1);
                    if (i + 1 < l.size()) {
                        b.append(',');
                    }
                }
                if (!l.isEmpty()) {
                    newline(b, indent);
                }
                b.append(']');
            }
            default -> quote(b, v.toString());
        }
    }

    private static void newline(final StringBuilder b, final int indent) {
        b.append('\n').append("  ".repeat(indent));
    }

    private static void quote(final StringBuilder b, final String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
