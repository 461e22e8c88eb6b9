package org.writecache.freelist;

import java.util.List;

/**
 * A systematic schedule explorer: runs a scenario once per schedule of a {@link ChoiceTree} (depth first, bounded
 * deviations and depth), each run on fresh objects under a fresh {@link Conductor}, and stops at the first failure
 * with the schedule (to replay with {@code -Dwritecache.explore.replay=<schedule>}) and the steps it took.
 */
public final class Explorer {
    /** System property: run only this schedule. */
    public static final String REPLAY = "writecache.explore.replay";

    /** One run of a scenario. */
    public interface Scenario {
        /**
         * Sets up fresh objects on {@code c}: actors, environment steps, the quiescent check.
         *
         * @return what to do after the explored part: drain, check that every actor could finish, close.
         */
        Finish build(Conductor c) throws Exception;
    }

    /** The end of a run, after {@link Conductor#run()}. */
    @FunctionalInterface
    public interface Finish {
        void run() throws Exception;
    }

    /** Bounds of an exploration. */
    public record Bounds(int deviations, int depth, int interrupts, int spurious) {
    }

    private Explorer() {
    }

    /**
     * Explores every schedule of {@code scenario} within {@code bounds}.
     *
     * @return the number of runs.
     * @throws AssertionError naming the failing schedule and its steps.
     */
    public static long explore(final String name, final Bounds bounds, final Scenario scenario) throws Exception {
        final String replay = System.getProperty(REPLAY);
        final ChoiceTree tree = replay != null ? ChoiceTree.replaying(replay)
            : new ChoiceTree(bounds.deviations(), bounds.depth());
        while (tree.next()) {
            final Conductor c = new Conductor(tree, bounds.interrupts(), bounds.spurious());
            try {
                final Finish finish = scenario.build(c);
                c.run();
                finish.run();
                for (final Conductor.Actor a : c.actors()) {
                    if (a.failure() instanceof Error e) {
                        throw e;
                    }
                }
            } catch (final AssertionError | RuntimeException e) {
                c.abandon();
                throw failure(name, tree, c.trace(), e);
            }
        }
        return tree.runs();
    }

    private static AssertionError failure(final String name, final ChoiceTree tree, final List<String> trace,
                                          final Throwable cause) {
        final StringBuilder sb = new StringBuilder(name).append(": ").append(cause.getMessage())
            .append("\n  run ").append(tree.runs()).append(", schedule ").append(tree.schedule())
            .append(" (replay: -D").append(REPLAY).append('=').append(tree.schedule()).append(")\n  steps:");
        for (final String s : trace) {
            sb.append("\n    ").append(s);
        }
        return new AssertionError(sb.toString(), cause);
    }
}
