package org.writecache.bench.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line text progress bar on the error stream, redrawn in place when the percentage changes. Quiet mode draws
 * nothing.
 */
public final class ProgressBar {
    private static final int WIDTH = 30;

    private final PrintWriter out;
    private final String label;
    private final boolean quiet;
    private int lastPercent = -1;
    private boolean open;

    /**
     * @param out   where to draw (the command's error stream)
     * @param label what is in progress
     * @param quiet draw nothing
     */
    public ProgressBar(final PrintWriter out, final String label, final boolean quiet) {
        this.out = out;
        this.label = label;
        this.quiet = quiet;
    }

    /** Draws {@code done} of {@code total} with a free-form suffix such as a rate. */
    public void update(final long done, final long total, final String suffix) {
        final int percent = total <= 0 ? 100 : (int) Math.min(100, done * 100 / total);
        if (quiet || percent == lastPercent) {
            return;
        }
        lastPercent = percent;
        open = true;
        final int filled = percent * WIDTH / 100;
        out.print(String.format(Locale.ROOT, "\r%s [%s%s] %3d%% %s", label, "=".repeat(filled),
            " ".repeat(WIDTH - filled), percent, suffix));
        out.flush();
    }

    /** Ends the bar's line, if one is drawn; calling it again does nothing. */
    public void finish() {
        if (open) {
            out.println();
            out.flush();
            open = false;
        }
    }
}
