package org.writecache.bench.wakeup;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.writecache.bench.jmh.FreeListBenchmark;

/**
 * Runs {@link FreeListBenchmark} (uncontended allocate + free under each policy, and {@code Semaphore} acquire +
 * release) through JMH's runner and judges the fast-path target from its scores.
 */
final class FastPathBenchmark {
    private FastPathBenchmark() {
    }

    static List<Verdicts.Verdict> run() throws RunnerException {
        final Collection<RunResult> results = new Runner(new OptionsBuilder()
            .include(FreeListBenchmark.class.getName()).build()).run();
        double semaphore = Double.NaN;
        final List<String[]> policies = new ArrayList<>();
        for (final RunResult r : results) {
            final double score = r.getPrimaryResult().getScore();
            if (r.getParams().getBenchmark().endsWith("semaphoreAcquireRelease")) {
                semaphore = score;
            } else {
                policies.add(new String[] {r.getParams().getParam("policy"), Double.toString(score)});
            }
        }
        final List<Verdicts.Verdict> verdicts = new ArrayList<>();
        for (final String[] p : policies) {
            final double score = Double.parseDouble(p[1]);
            verdicts.add(new Verdicts.Verdict("JMH: " + p[0] + " uncontended allocate+free <= Semaphore acquire+release",
                score <= semaphore, String.format(Locale.ROOT, "%.2f ns vs %.2f ns", score, semaphore)));
        }
        return verdicts;
    }
}
