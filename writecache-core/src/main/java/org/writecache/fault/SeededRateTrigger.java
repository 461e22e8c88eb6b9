package org.writecache.fault;

import java.util.SplittableRandom;

/** Fires at random with a fixed probability, from a seeded sequence so a failing run can be repeated. */
final class SeededRateTrigger implements FaultTrigger {
    private final double probability;
    private final long seed;
    private final SplittableRandom random;

    SeededRateTrigger(final double probability, final long seed) {
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("fault probability must be from 0 to 1: " + probability);
        }
        this.probability = probability;
        this.seed = seed;
        this.random = new SplittableRandom(seed);
    }

    @Override
    public synchronized boolean fires(final long offset, final long length) {
        return random.nextDouble() < probability;
    }

    @Override
    public String toString() {
        return "at rate " + probability + " (seed " + seed + ")";
    }
}
