package org.writecache.bench.wakeup;

/**
 * One measured point of the shoot-out. Times in nanoseconds; freelist-only figures are -1 for JDK peers.
 *
 * @param pool             the policy or peer.
 * @param writers          writer threads.
 * @param maxNeed          blocks per allocation: 1, or 1 to this many (uniformly).
 * @param seconds          length of the measured interval.
 * @param allocations      allocations made (each of 1 to {@code maxNeed} blocks).
 * @param needMet          waits that ended with the need met another way (no block taken).
 * @param waitP50          allocation wait (request to block, including the fast path), median.
 * @param waitP99          99th percentile.
 * @param waitP999         99.9th percentile.
 * @param waitMax          maximum.
 * @param perSecond        allocations per second.
 * @param cpuPerAllocation CPU time of writers and releaser per allocation.
 * @param wakeups          waiters woken by the freelist.
 * @param futileWakeups    woken waiters that got nothing.
 * @param stranded         time a parked waiter sat next to free blocks that would serve it.
 * @param longestBlip      longest such interval.
 * @param stuckAtEnd       writers still waiting when the releaser had nothing more to free: stranded for good.
 */
record Result(String pool, int writers, int maxNeed, double seconds, long allocations, long needMet, long waitP50,
              long waitP99, long waitP999, long waitMax, double perSecond, double cpuPerAllocation, long wakeups,
              long futileWakeups, long stranded, long longestBlip, int stuckAtEnd) {
    /**
     * @return one point from several rounds of it: the median of each rate, percentile and CPU figure, the sum of the
     *         counts, and the worst of the stranded, blip and stuck figures (which must be zero in every round).
     */
    static Result combine(final java.util.List<Result> rounds) {
        final Result f = rounds.get(0);
        return new Result(f.pool(), f.writers(), f.maxNeed(), rounds.stream().mapToDouble(Result::seconds).sum(),
            rounds.stream().mapToLong(Result::allocations).sum(), rounds.stream().mapToLong(Result::needMet).sum(),
            (long) median(rounds, Result::waitP50), (long) median(rounds, Result::waitP99),
            (long) median(rounds, Result::waitP999), rounds.stream().mapToLong(Result::waitMax).max().orElse(0),
            median(rounds, Result::perSecond), median(rounds, Result::cpuPerAllocation),
            rounds.stream().mapToLong(Result::wakeups).sum(), rounds.stream().mapToLong(Result::futileWakeups).sum(),
            rounds.stream().mapToLong(Result::stranded).max().orElse(0),
            rounds.stream().mapToLong(Result::longestBlip).max().orElse(0),
            rounds.stream().mapToInt(Result::stuckAtEnd).max().orElse(0));
    }

    private static double median(final java.util.List<Result> rounds,
                                 final java.util.function.ToDoubleFunction<Result> f) {
        final double[] v = rounds.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
