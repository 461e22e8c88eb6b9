package org.writecache.bench.harness;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Prints one line per benchmark step: phase, configuration, elapsed time and an estimate of the time left (the
 * average time of the steps done so far times the steps left).
 */
public final class Progress {
    private final PrintStream out;
    private final long start = System.nanoTime();
    private int total;
    private int done;

    /** @param out where progress goes (the console). */
    public Progress(final PrintStream out) {
        this.out = out;
    }

    /** Adds {@code steps} to the number of steps planned. */
    public void plan(final int steps) {
        total += steps;
    }

    /** Reports that a step starts. */
    public void step(final String phase, final String configuration) {
        final double elapsed = (System.nanoTime() - start) / 1e9;
        final String left = done == 0 ? "?" : String.format(Locale.ROOT, "%.0fs", elapsed / done * (total - done));
        out.printf(Locale.ROOT, "[%3d/%3d %5.0fs elapsed, %5s left] %-9s %s%n",
            Math.min(done + 1, total), total, elapsed, left, phase, configuration);
        out.flush();
        done++;
    }
}
