package org.writecache.bench.harness;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** The Zipf sampler: ranks in range, frequencies close to 1/rank^s. */
class ZipfTest {

    @Test
    void frequenciesFollowTheLaw() {
        final long seed = 7;
        final SplittableRandom random = new SplittableRandom(seed);
        final Zipf zipf = new Zipf(100, 1.0);
        final int[] hits = new int[100];
        final int draws = 200_000;
        for (int i = 0; i < draws; i++) {
            hits[zipf.next(random)]++;
        }
        double h = 0;
        for (int k = 1; k <= 100; k++) {
            h += 1.0 / k;
        }
        for (final int rank : new int[] {0, 1, 9, 99}) {
            final double expected = draws / ((rank + 1) * h);
            assertTrue(Math.abs(hits[rank] - expected) < 5 * Math.sqrt(expected) + 1,
                "seed " + seed + ": rank " + rank + " drawn " + hits[rank] + " times, expected about " + expected);
        }
    }

    @Test
    void badArgumentsAreNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Zipf(0, 1)).getMessage().contains("n 0"));
    }
}
