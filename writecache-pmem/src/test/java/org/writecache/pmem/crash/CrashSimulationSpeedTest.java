package org.writecache.pmem.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * More than 10,000 crash images of a 256 KiB region, each checked by a small oracle, in well under a minute: the walk
 * must be incremental, not a replay per cut point. Prints the rate it measured.
 */
class CrashSimulationSpeedTest {
    private static final int REGION = 256 * 1024;
    private static final int BLOCK = 4096;
    private static final int TRANSACTIONS = 1000;

    @Test
    void tenThousandImagesOfA256KiBRegionTakeWellUnderAMinute() {
        final CrashSimulatingMemory memory = new CrashSimulatingMemory(REGION);
        final SplittableRandom random = new SplittableRandom(7);
        final byte[] block = new byte[BLOCK];
        final long[] acknowledged = new long[TRANSACTIONS];
        final long recordStart = System.nanoTime();
        for (int t = 0; t < TRANSACTIONS; t++) {
            random.nextBytes(block);
            block[0] = (byte) t;
            final long offset = BLOCK * (1 + random.nextInt(REGION / BLOCK - 1));
            memory.copyFrom(block, 0, offset, BLOCK);
            memory.persist(offset, BLOCK);
            memory.putLongAtomic(0, t + 1);
            memory.persist(0, Long.BYTES);
            acknowledged[t] = memory.eventCount();
        }
        final long recordNanos = System.nanoTime() - recordStart;

        final CrashPlan plan = CrashPlan.defaults().withTearing(Tearing.PREFIX).withSamplesPerCut(10);
        final CrashWalkStats stats = memory.forEachCrashImage(plan, image -> {
            final long committed = image.memory().getLongAtomic(0);
            int mustHave = 0;
            while (mustHave < TRANSACTIONS && image.crashedAfter(acknowledged[mustHave])) {
                mustHave++;
            }
            assertTrue(committed >= mustHave, "lost acknowledged commit " + mustHave);
        });

        final double seconds = stats.elapsedNanos() / 1e9;
        System.out.printf(Locale.ROOT,
            "crash images: %d of a %d KiB region at %d cut points (%d sampled) in %.2f s = %.0f images/s;"
                + " recording %d events took %.2f s%n",
            stats.images(), REGION / 1024, stats.cutPoints(), stats.sampledCutPoints(), seconds,
            stats.images() / seconds, memory.eventCount(), recordNanos / 1e9);
        assertEquals(2L * TRANSACTIONS + 1, stats.cutPoints());
        assertEquals(64, stats.maxPendingLines());
        assertTrue(stats.images() >= 10_000, "images: " + stats.images());
        assertTrue(seconds < 60, "took " + seconds + " s");
    }
}
