package org.writecache.bench.wakeup;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * The shoot-out's targets, judged from the results of one run: nothing here is a stored figure. A target whose
 * inputs were not all run (a pool or writer count left out) is reported as not judged.
 */
final class Verdicts {
    /** One target's verdict. */
    record Verdict(String target, boolean met, String detail) {
        String line() {
            return (met ? "MET   " : "MISSED") + "  " + target + ": " + detail;
        }
    }

    private static final List<String> CORRECT = List.of("exclusive", "wake-all", "direct");

    private final List<Result> results;
    private final List<Verdict> verdicts = new ArrayList<>();
    private final List<String> unjudged = new ArrayList<>();

    private Verdicts(final List<Result> results) {
        this.results = results;
    }

    /** @return the verdicts of every target the results allow judging, per workload. */
    static Verdicts judge(final List<Result> results) {
        final Verdicts v = new Verdicts(results);
        results.stream().mapToInt(Result::maxNeed).distinct().sorted().forEach(v::judgeWorkload);
        return v;
    }

    List<Verdict> verdicts() {
        return verdicts;
    }

    List<String> unjudged() {
        return unjudged;
    }

    private void judgeWorkload(final int need) {
        final String w = need == 1 ? "1 block" : "1-" + need + " blocks";
        final List<Integer> counts = results.stream().filter(r -> r.maxNeed() == need).map(Result::writers)
            .distinct().sorted().toList();
        for (final String p : CORRECT) {
            ratio(w + ": " + p + " >= 0.9 x semaphore alloc/s at 1 to 16 writers", need, p, "semaphore",
                counts.stream().filter(c -> c <= 16).toList(), Result::perSecond, 0.9, true);
        }
        ratio(w + ": direct p99 wait <= semaphore-fair's", need, "direct", "semaphore-fair", counts,
            Result::waitP99, 1.0, false);
        ratio(w + ": direct alloc/s >= semaphore-fair's", need, "direct", "semaphore-fair", counts,
            Result::perSecond, 1.0, true);
        ratio(w + ": direct CPU/alloc <= 1.5 x semaphore-fair's", need, "direct", "semaphore-fair", counts,
            Result::cpuPerAllocation, 1.5, false);
        ratio(w + ": exclusive CPU/alloc <= 1.3 x swait's", need, "exclusive", "swait", counts,
            Result::cpuPerAllocation, 1.3, false);
        for (final String p : List.of("swait", "exclusive", "wake-all", "direct")) {
            recordingCost(w, need, p, counts);
        }
        final List<Result> correct = results.stream()
            .filter(r -> r.maxNeed() == need && CORRECT.contains(base(r.pool())) && r.stranded() >= 0).toList();
        if (!correct.isEmpty()) {
            final long stranded = correct.stream().mapToLong(Result::stranded).sum();
            final long stuck = correct.stream().mapToLong(Result::stuckAtEnd).sum();
            verdicts.add(new Verdict(w + ": stranded time exactly 0 and nobody stuck for the correct policies",
                stranded == 0 && stuck == 0, String.format(Locale.ROOT, "%d ns stranded, %d stuck over %d points",
                stranded, stuck, correct.size())));
        }
    }

    /**
     * At each writer count: {@code value(pool) <= bound * value(peer)} (or {@code >=} when {@code atLeast}).
     */
    private void ratio(final String target, final int need, final String pool, final String peer,
                       final List<Integer> counts, final ToDoubleFunction<Result> value, final double bound,
                       final boolean atLeast) {
        final StringBuilder detail = new StringBuilder();
        boolean met = true;
        for (final int c : counts) {
            final Optional<Result> a = find(pool, need, c);
            final Optional<Result> b = find(peer, need, c);
            if (a.isEmpty() || b.isEmpty()) {
                unjudged.add(target + " at " + c + " writers: " + (a.isEmpty() ? pool : peer) + " not run");
                return;
            }
            final double x = value.applyAsDouble(a.get());
            final double y = value.applyAsDouble(b.get());
            final double r = y == 0 ? (x == 0 ? 1 : Double.POSITIVE_INFINITY) : x / y;
            final boolean ok = atLeast ? r >= bound : r <= bound;
            met &= ok;
            detail.append(detail.isEmpty() ? "" : "; ").append(c).append(" writers ")
                .append(String.format(Locale.ROOT, "%.2f", r)).append(ok ? "" : " (miss)");
        }
        if (!counts.isEmpty()) {
            verdicts.add(new Verdict(target, met, "ratio " + detail));
        }
    }

    /** Recording on costs at most 5% of throughput against off, over all writer counts of the workload. */
    private void recordingCost(final String w, final int need, final String pool, final List<Integer> counts) {
        double on = 0;
        double off = 0;
        final StringBuilder detail = new StringBuilder();
        for (final int c : counts) {
            final Optional<Result> a = find(pool, need, c);
            final Optional<Result> b = find(pool + " (stats off)", need, c);
            if (a.isEmpty() || b.isEmpty()) {
                return;
            }
            on += a.get().allocations() / a.get().seconds();
            off += b.get().allocations() / b.get().seconds();
            detail.append(detail.isEmpty() ? "" : "; ").append(c).append(" writers ")
                .append(String.format(Locale.ROOT, "%+.1f%%", 100 * (a.get().perSecond() / b.get().perSecond() - 1)));
        }
        if (off > 0) {
            final double cost = 1 - on / off;
            verdicts.add(new Verdict(w + ": " + pool + " recording on costs <= 5% of alloc/s against off", cost <= 0.05,
                String.format(Locale.ROOT, "%.1f%% over all writer counts (on vs off per count: %s)", 100 * cost,
                    detail)));
        }
    }

    private Optional<Result> find(final String pool, final int need, final int writers) {
        return results.stream().filter(r -> r.pool().equals(pool) && r.maxNeed() == need && r.writers() == writers)
            .findFirst();
    }

    private static String base(final String pool) {
        final int i = pool.indexOf(' ');
        return i < 0 ? pool : pool.substring(0, i);
    }
}
