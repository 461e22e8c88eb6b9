package org.writecache.pmem.crash;

import java.util.Objects;

/**
 * Which crash images {@link CrashSimulatingMemory#forEachCrashImage} produces.
 *
 * <p>At each cut point the pending lines span a number of possible images (the product of their states, see
 * {@link Tearing}). If it is at most {@code exhaustiveLimit}, every one is produced; otherwise
 * {@code samplesPerCut} are: the image where nothing pending persisted, the one where everything did, then random
 * ones drawn from a generator seeded by {@code seed} and the cut, so a cut's images do not depend on other cuts.
 *
 * @param cutPoints       where crashes happen.
 * @param tearing         what a dirty line may look like on media.
 * @param exhaustiveLimit the most images a cut point may span and still be enumerated in full; at least 1 (256 is
 *                        every combination of 8 lines under {@link Tearing#LINE}).
 * @param samplesPerCut   images per cut point when there are more than {@code exhaustiveLimit}; at least 1.
 * @param seed            the seed of the random samples.
 */
public record CrashPlan(CutPoints cutPoints, Tearing tearing, long exhaustiveLimit, int samplesPerCut, long seed) {

    /** Checks every value and names the bad one. */
    public CrashPlan {
        Objects.requireNonNull(cutPoints, "cutPoints");
        Objects.requireNonNull(tearing, "tearing");
        if (exhaustiveLimit < 1) {
            throw new IllegalArgumentException("exhaustiveLimit must be at least 1: " + exhaustiveLimit);
        }
        if (samplesPerCut < 1) {
            throw new IllegalArgumentException("samplesPerCut must be at least 1: " + samplesPerCut);
        }
    }

    /** @return cuts at fences, {@link Tearing#PREFIX}, exhaustive up to 256 images per cut, else 32 samples, seed 1. */
    public static CrashPlan defaults() {
        return new CrashPlan(CutPoints.FENCES, Tearing.PREFIX, 256, 32, 1);
    }

    /** @return this plan with other cut points. */
    public CrashPlan withCutPoints(final CutPoints newCutPoints) {
        return new CrashPlan(newCutPoints, tearing, exhaustiveLimit, samplesPerCut, seed);
    }

    /** @return this plan with another tearing mode. */
    public CrashPlan withTearing(final Tearing newTearing) {
        return new CrashPlan(cutPoints, newTearing, exhaustiveLimit, samplesPerCut, seed);
    }

    /** @return this plan with another exhaustive limit. */
    public CrashPlan withExhaustiveLimit(final long newExhaustiveLimit) {
        return new CrashPlan(cutPoints, tearing, newExhaustiveLimit, samplesPerCut, seed);
    }

    /** @return this plan with another number of samples per cut point. */
    public CrashPlan withSamplesPerCut(final int newSamplesPerCut) {
        return new CrashPlan(cutPoints, tearing, exhaustiveLimit, newSamplesPerCut, seed);
    }

    /** @return this plan with another seed. */
    public CrashPlan withSeed(final long newSeed) {
        return new CrashPlan(cutPoints, tearing, exhaustiveLimit, samplesPerCut, newSeed);
    }
}
