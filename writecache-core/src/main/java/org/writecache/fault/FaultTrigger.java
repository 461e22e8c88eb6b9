package org.writecache.fault;

/**
 * Decides whether one device operation fails. Called once per operation with the byte range it touches (a sync
 * touches the whole device). Implementations are thread safe.
 */
@FunctionalInterface
public interface FaultTrigger {

    /** @return true if the operation on bytes {@code [offset, offset + length)} must fail. */
    boolean fires(long offset, long length);

    /** @return a trigger that fires on every operation. */
    static FaultTrigger always() {
        return AlwaysTrigger.INSTANCE;
    }

    /** @return a trigger that fires on the first operation it is asked about, then never again. */
    static FaultTrigger once() {
        return new EveryNthTrigger(1, 1);
    }

    /** @return a trigger that fires on the {@code n}-th, {@code 2n}-th, ... operation it is asked about. */
    static FaultTrigger everyNth(final long n) {
        return new EveryNthTrigger(n, Long.MAX_VALUE);
    }

    /**
     * @param probability chance that one operation fails, from 0 to 1.
     * @param seed        seed of the random sequence, so a failing run can be repeated.
     * @return a trigger that fires at random with the given probability.
     */
    static FaultTrigger atRate(final double probability, final long seed) {
        return new SeededRateTrigger(probability, seed);
    }

    /**
     * @return a trigger that asks this one only about operations that overlap bytes {@code [from, to)}; operations
     *         outside the range never fail and are not counted.
     */
    default FaultTrigger inRange(final long from, final long to) {
        return new ByteRangeTrigger(this, from, to);
    }
}
