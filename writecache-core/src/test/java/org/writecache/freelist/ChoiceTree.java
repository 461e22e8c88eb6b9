package org.writecache.freelist;

import java.util.ArrayList;
import java.util.List;

/**
 * Depth-first enumeration of choice sequences with delay bounding: at every choice point option 0 is the default and
 * any other option costs one deviation; a run may deviate at most {@code maxDeviations} times, and only the first
 * {@code maxDepth} choice points of a run branch (later ones take the default). Each run replays the prefix chosen for
 * it and takes defaults after it; {@link #next()} then moves to the next unexplored sibling, deepest first. The
 * program driven by it must be deterministic given its choices, which {@link #choose} checks as far as it can.
 *
 * <p>A schedule prints as its choices joined by dots ({@code 0.0.2.0.1}) and replays with {@link #replaying}.
 */
public final class ChoiceTree {
    private final int maxDeviations;
    private final int maxDepth;
    private int[] prefix = new int[0];
    private final List<int[]> run = new ArrayList<>();
    private int pos;
    private boolean replayOnly;
    private long runs;

    /**
     * @param maxDeviations non-default choices allowed per run.
     * @param maxDepth      choice points per run that may branch.
     */
    public ChoiceTree(final int maxDeviations, final int maxDepth) {
        this.maxDeviations = maxDeviations;
        this.maxDepth = maxDepth;
    }

    /** @return a tree that runs exactly one schedule, as printed by {@link #schedule()}. */
    public static ChoiceTree replaying(final String schedule) {
        final ChoiceTree t = new ChoiceTree(Integer.MAX_VALUE, Integer.MAX_VALUE);
        t.prefix = schedule.isBlank() ? new int[0]
            : java.util.Arrays.stream(schedule.trim().split("\\.")).mapToInt(Integer::parseInt).toArray();
        t.replayOnly = true;
        return t;
    }

    /** @return an option from 0 to {@code options - 1}. */
    public int choose(final int options) {
        if (options < 1) {
            throw new IllegalArgumentException("no options");
        }
        final int c = pos < prefix.length ? prefix[pos] : 0;
        if (c >= options) {
            throw new IllegalStateException("nondeterminism: choice " + pos + " of schedule " + schedule()
                + " now has " + options + " options, fewer than the " + (c + 1) + " it had");
        }
        if (pos < maxDepth) {
            run.add(new int[] {c, options});
        }
        pos++;
        return c;
    }

    /** @return the choices of the current run so far, for replay. */
    public String schedule() {
        final StringBuilder sb = new StringBuilder();
        for (final int[] r : run) {
            sb.append(sb.isEmpty() ? "" : ".").append(r[0]);
        }
        return sb.toString();
    }

    /** @return runs started so far. */
    public long runs() {
        return runs;
    }

    /** Starts a run; @return false when every schedule within the bounds has run. */
    public boolean next() {
        if (runs > 0) {
            if (replayOnly || !advance()) {
                return false;
            }
        }
        run.clear();
        pos = 0;
        runs++;
        return true;
    }

    private boolean advance() {
        for (int i = run.size() - 1; i >= 0; i--) {
            final int[] r = run.get(i);
            if (r[0] + 1 < r[1] && deviations(i) + 1 <= maxDeviations) {
                prefix = new int[i + 1];
                for (int k = 0; k < i; k++) {
                    prefix[k] = run.get(k)[0];
                }
                prefix[i] = r[0] + 1;
                return true;
            }
        }
        return false;
    }

    private int deviations(final int upTo) {
        int d = 0;
        for (int k = 0; k < upTo; k++) {
            if (run.get(k)[0] != 0) {
                d++;
            }
        }
        return d;
    }
}
