package org.writecache.crash;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.writecache.WriteCache;
import org.writecache.pmem.PersistentMemory;
import org.writecache.pmem.crash.CrashImageFailure;
import org.writecache.pmem.crash.CrashPlan;
import org.writecache.pmem.crash.CrashWalkStats;
import org.writecache.pmem.crash.CutPoints;
import org.writecache.pmem.crash.Tearing;

/**
 * Simulated persistent-memory crashes of the real cache against {@link CrashOracle}: seeded {@link CrashWorkload}s
 * are recorded on a crash simulator, and at every cut point the possible media images (under each tearing mode) are
 * opened with the backing device as it stood at that point, and every device block is checked.
 *
 * <p>{@code -Dwritecache.crash.images=N} sets how many images to check (default {@value #DEFAULT_IMAGES});
 * {@code -Dwritecache.crash.seed=S} the first seed; {@code -Dwritecache.crash.operations=N} the operations per run
 * (default 120; a replay needs the same value). A failure prints the seed, the cut point and the replay string;
 * {@code -Dwritecache.crash.replay="SEED REPLAY-STRING"} replays that one image in {@link #replaysOneImage()}.
 */
class CrashConsistencyTest {
    static final String IMAGES_PROPERTY = "writecache.crash.images";
    static final String SEED_PROPERTY = "writecache.crash.seed";
    static final String REPLAY_PROPERTY = "writecache.crash.replay";
    static final long DEFAULT_IMAGES = 12_000;
    static final String OPERATIONS_PROPERTY = "writecache.crash.operations";
    static final int OPERATIONS = Integer.getInteger(OPERATIONS_PROPERTY, 120);
    static final int MIN_SEEDS = 6;
    private static final Logger CACHE_LOG = Logger.getLogger(WriteCache.class.getName());

    @BeforeAll
    static void quietOpens() {
        CACHE_LOG.setLevel(Level.WARNING);
    }

    @Test
    void everyCrashImageAgreesWithTheOracle() throws IOException {
        final long target = Long.getLong(IMAGES_PROPERTY, DEFAULT_IMAGES);
        final long firstSeed = Long.getLong(SEED_PROPERTY, 1);
        final long[] perTearing = new long[Tearing.values().length];
        final long[] recoveryImages = {0};
        long images = 0;
        long cuts = 0;
        long seeds = 0;
        final long start = System.nanoTime();
        for (long seed = firstSeed; images < target || seeds < MIN_SEEDS; seed++) {
            final CrashWorkload w = workload(seed);
            System.out.println(w.summary());
            final CutPoints cutPoints = seed / 2 % 2 == 0 ? CutPoints.EVERY_EVENT : CutPoints.FENCES;
            for (final Tearing tearing : Tearing.values()) {
                final CrashWalkStats stats = walk(w, new CrashPlan(cutPoints, tearing, 8, 2, seed), recoveryImages);
                perTearing[tearing.ordinal()] += stats.images();
                images += stats.images();
                cuts += stats.cutPoints();
            }
            seeds++;
        }
        System.out.printf("crash images checked: %d (LINE %d, PREFIX %d, ADVERSARIAL %d) at %d cut points of %d seeds"
                + " from %d, plus %d images of crashed recoveries, %d ms%n", images, perTearing[0], perTearing[1],
            perTearing[2], cuts, seeds, firstSeed, recoveryImages[0], (System.nanoTime() - start) / 1_000_000);
        assertTrue(images >= target, images + " images checked, fewer than " + target);
    }

    /** @return the run of {@code seed}: every even seed continues after a crash of its first run. */
    static CrashWorkload workload(final long seed) throws IOException {
        return seed % 2 == 0 ? CrashWorkload.continued(seed, OPERATIONS) : CrashWorkload.random(seed, OPERATIONS);
    }

    /** Walks every image of {@code plan}; a failure names the seed, the cut point and the replay property. */
    private static CrashWalkStats walk(final CrashWorkload w, final CrashPlan plan, final long[] recoveryImages) {
        try {
            return w.memory.forEachCrashImage(plan, image -> recoveryImages[0] +=
                CrashImageCheck.checkImage(w, image.cut(), image.memory(), image.replay()) - 1);
        } catch (final CrashImageFailure e) {
            throw new AssertionError("crash image failed: " + w.summary() + ", " + plan + ", cut "
                + CrashImageCheck.cutOf(e.replay()) + "\n  replay with -D" + OPERATIONS_PROPERTY + "=" + OPERATIONS
                + " -D" + REPLAY_PROPERTY + "=\"" + w.seed + " " + e.replay() + "\"\n  operations"
                + " [start event, return event):\n" + w.trace(), e.getCause());
        }
    }

    /**
     * Replays the image named by {@code -Dwritecache.crash.replay="SEED REPLAY-STRING"}; without it, picks an image
     * from a walk of seed 1, rebuilds it from its replay string and checks it is the same image and passes.
     */
    @Test
    void replaysOneImage() throws IOException {
        final String property = System.getProperty(REPLAY_PROPERTY);
        if (property != null) {
            final String[] parts = property.strip().split("\\s+", 2);
            final long seed = Long.parseLong(parts[0]);
            final CrashWorkload w = workload(seed);
            CrashImageCheck.checkImage(w, CrashImageCheck.cutOf(parts[1]), w.memory.rebuild(parts[1]), parts[1]);
            return;
        }
        final CrashWorkload w = CrashWorkload.random(1, OPERATIONS);
        final String[] picked = new String[1];
        final byte[][] bytes = new byte[1][];
        final long[] seen = {0};
        final CrashPlan plan = new CrashPlan(CutPoints.FENCES, Tearing.PREFIX, 16, 4, 1);
        w.memory.forEachCrashImage(plan, image -> {
            if (seen[0]++ == 100) {
                picked[0] = image.replay();
                bytes[0] = contents(image.memory());
            }
        });
        assertTrue(picked[0] != null, "the walk produced " + seen[0] + " images, fewer than 101");
        final PersistentMemory rebuilt = w.memory.rebuild(picked[0]);
        assertArrayEquals(bytes[0], contents(rebuilt), "rebuilt image differs from the walk's: " + picked[0]);
        CrashImageCheck.checkImage(w, CrashImageCheck.cutOf(picked[0]), rebuilt, picked[0]);
    }

    private static byte[] contents(final PersistentMemory memory) {
        final byte[] out = new byte[(int) memory.size()];
        memory.copyTo(0, out, 0, out.length);
        return out;
    }

    /** A seed is one run, first or continued: same operations, same event counts, so replay strings stay valid. */
    @Test
    void workloadsAreDeterministic() throws IOException {
        for (final long seed : new long[] {7, 8}) {
            final CrashWorkload a = workload(seed);
            final CrashWorkload b = workload(seed);
            assertEquals(a.summary(), b.summary(), "seed " + seed);
            assertEquals(a.trace(), b.trace(), "seed " + seed);
        }
    }
}
