package org.writecache.bench.report;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.HdrHistogram.Histogram;

/** Charts as inline SVG, so the HTML report opens from the file system with no script and no network. */
public final class Svg {
    private static final String[] COLOURS = {
        "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
    };
    private static final int W = 860;
    private static final int H = 320;
    private static final int LEFT = 70;
    private static final int RIGHT = 300;
    private static final int TOP = 30;
    private static final int BOTTOM = 40;
    private static final double MAX_NINES = 5;

    private Svg() {
    }

    /**
     * Latency against percentile, one line per series: the x axis is in "nines" (0 is the minimum, 2 is p99, 3 is
     * p99.9), the y axis is logarithmic microseconds.
     */
    public static String percentiles(final String title, final Map<String, Histogram> series) {
        double lo = Double.MAX_VALUE;
        double hi = 0;
        for (final Histogram h : series.values()) {
            lo = Math.min(lo, Math.max(0.01, h.getMinValue() / 1e3));
            hi = Math.max(hi, h.getMaxValue() / 1e3);
        }
        if (series.isEmpty() || hi <= 0) {
            return "";
        }
        final double ylo = Math.floor(Math.log10(lo));
        final double yhi = Math.max(ylo + 1, Math.ceil(Math.log10(hi)));
        final StringBuilder b = open(title);
        final int pw = W - LEFT - RIGHT;
        final int ph = H - TOP - BOTTOM;
        for (int n = 0; n <= MAX_NINES; n++) {
            final double x = LEFT + pw * n / MAX_NINES;
            line(b, x, TOP, x, TOP + ph, "#ddd");
            text(b, x, H - BOTTOM + 16, "middle", n == 0 ? "p0" : "p" + percentileLabel(n));
        }
        for (double d = ylo; d <= yhi; d++) {
            final double y = TOP + ph - ph * (d - ylo) / (yhi - ylo);
            line(b, LEFT, y, LEFT + pw, y, "#ddd");
            text(b, LEFT - 6, y + 4, "end", Format.number(Math.pow(10, d)) + " µs");
        }
        int i = 0;
        for (final Map.Entry<String, Histogram> e : series.entrySet()) {
            final String colour = COLOURS[i % COLOURS.length];
            final StringBuilder pts = new StringBuilder();
            for (double n = 0; n <= MAX_NINES + 1e-9; n += 0.05) {
                final double p = 100 * (1 - Math.pow(10, -n));
                final double v = Math.max(lo, e.getValue().getValueAtPercentile(p) / 1e3);
                final double x = LEFT + pw * n / MAX_NINES;
                final double y = TOP + ph - ph * (Math.log10(v) - ylo) / (yhi - ylo);
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            b.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(colour).append("\" points=\"")
                .append(pts.toString().trim()).append("\"/>\n");
            legend(b, i, colour, e.getKey());
            i++;
        }
        return close(b);
    }

    /** Grouped bars: one group per label of {@code groups}, one bar per series, values in {@code unit}. */
    public static String bars(final String title, final List<String> groups, final Map<String, double[]> series,
                              final String unit) {
        double hi = 0;
        for (final double[] v : series.values()) {
            for (final double d : v) {
                if (!Double.isNaN(d)) {
                    hi = Math.max(hi, d);
                }
            }
        }
        if (groups.isEmpty() || series.isEmpty() || hi <= 0) {
            return "";
        }
        final StringBuilder b = open(title);
        final int pw = W - LEFT - RIGHT;
        final int ph = H - TOP - BOTTOM;
        for (int t = 0; t <= 4; t++) {
            final double y = TOP + ph - ph * t / 4.0;
            line(b, LEFT, y, LEFT + pw, y, "#ddd");
            text(b, LEFT - 6, y + 4, "end", Format.number(hi * t / 4) + " " + unit);
        }
        final double gw = (double) pw / groups.size();
        final double bw = gw * 0.8 / series.size();
        int s = 0;
        for (final Map.Entry<String, double[]> e : series.entrySet()) {
            final String colour = COLOURS[s % COLOURS.length];
            for (int g = 0; g < groups.size() && g < e.getValue().length; g++) {
                final double v = e.getValue()[g];
                if (Double.isNaN(v)) {
                    continue;
                }
                final double h = ph * v / hi;
                b.append(String.format(Locale.ROOT,
                    "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s %s: %s %s"
                        + "</title></rect>\n", LEFT + g * gw + gw * 0.1 + s * bw, TOP + ph - h, bw, h, colour,
                    escape(e.getKey()), escape(groups.get(g)), Format.number(v), escape(unit)));
            }
            legend(b, s, colour, e.getKey());
            s++;
        }
        for (int g = 0; g < groups.size(); g++) {
            text(b, LEFT + g * gw + gw / 2, H - BOTTOM + 16, "middle", groups.get(g));
        }
        return close(b);
    }

    private static String percentileLabel(final int nines) {
        final String s = String.format(Locale.ROOT, "%.5f", 100 * (1 - Math.pow(10, -nines)));
        return s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    private static StringBuilder open(final String title) {
        final StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\">\n", W, H, W, H));
        text(b, W / 2.0, 16, "middle", title);
        return b;
    }

    private static String close(final StringBuilder b) {
        return b.append("</svg>\n").toString();
    }

    private static void legend(final StringBuilder b, final int i, final String colour, final String label) {
        final double y = TOP + 6 + i * 16;
        b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%.1f\" width=\"10\" height=\"10\" fill=\"%s\"/>\n",
            W - RIGHT + 10, y - 8, colour));
        text(b, W - RIGHT + 24, y + 1, "start", label);
    }

    private static void line(final StringBuilder b, final double x1, final double y1, final double x2,
                             final double y2, final String colour) {
        b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n",
            x1, y1, x2, y2, colour));
    }

    private static void text(final StringBuilder b, final double x, final double y, final String anchor,
                             final String s) {
        b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%s</text>\n", x, y,
            anchor, escape(s)));
    }

    /** @return {@code s} with the XML special characters escaped. */
    public static String escape(final String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
