package org.writecache.crash;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.writecache.CacheStatus;
import org.writecache.CorruptCacheException;
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
 * {@code -Dwritecache.crash.seed=S} the first seed. A failure prints the seed, the cut point and the replay string;
 * {@code -Dwritecache.crash.replay="SEED REPLAY-STRING"} replays that one image in {@link #replaysOneImage()}.
 */
class CrashConsistencyTest {
    static final String IMAGES_PROPERTY = "writecache.crash.images";
    static final String SEED_PROPERTY = "writecache.crash.seed";
    static final String REPLAY_PROPERTY = "writecache.crash.replay";
    static final long DEFAULT_IMAGES = 12_000;
    static final int OPERATIONS = 120;
    private static final Pattern CUT = Pattern.compile("\\bcut=(\\d+)\\b");
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
        long images = 0;
        long cuts = 0;
        long seeds = 0;
        final long start = System.nanoTime();
        for (long seed = firstSeed; images < target; seed++) {
            final CrashWorkload w = CrashWorkload.random(seed, OPERATIONS);
            final CutPoints cutPoints = seed % 2 == 0 ? CutPoints.EVERY_EVENT : CutPoints.FENCES;
            for (final Tearing tearing : Tearing.values()) {
                final CrashWalkStats stats = walk(w, new CrashPlan(cutPoints, tearing, 16, 4, seed));
                perTearing[tearing.ordinal()] += stats.images();
                images += stats.images();
                cuts += stats.cutPoints();
            }
            seeds++;
        }
        System.out.printf("crash images checked: %d (LINE %d, PREFIX %d, ADVERSARIAL %d) at %d cut points of %d seeds"
                + " from %d, %d ms%n", images, perTearing[0], perTearing[1], perTearing[2], cuts, seeds, firstSeed,
            (System.nanoTime() - start) / 1_000_000);
        assertTrue(images >= target, images + " images checked, fewer than " + target);
    }

    /** Walks every image of {@code plan}; a failure names the seed, the cut point and the replay property. */
    private static CrashWalkStats walk(final CrashWorkload w, final CrashPlan plan) {
        try {
            return w.memory.forEachCrashImage(plan, image -> check(w, image.cut(), image.memory(), image.replay()));
        } catch (final CrashImageFailure e) {
            throw new AssertionError("crash image failed: " + w.summary() + ", " + plan + ", cut " + cutOf(e.replay())
                + "\n  replay with -D" + REPLAY_PROPERTY + "=\"" + w.seed + " " + e.replay() + "\"\n  operations"
                + " [start event, return event):\n" + w.trace(), e.getCause());
        }
    }

    static long cutOf(final String replay) {
        final Matcher m = CUT.matcher(replay);
        if (!m.find()) {
            throw new IllegalArgumentException("no cut= in replay string: " + replay);
        }
        return Long.parseLong(m.group(1));
    }

    /**
     * Opens a cache on one crash image, with the backing device as the crash left it (synced writes only, or, for
     * half the images chosen by the replay string's hash, synced writes plus a random subset of the unsynced ones),
     * and checks every device block against the oracle. A crash before format returned may leave no cache (the
     * open fails with {@link CorruptCacheException}); at any later cut recovery must succeed.
     */
    static void check(final CrashWorkload w, final long cut, final PersistentMemory image, final String replay) {
        final int h = replay.hashCode();
        check(w, cut, image, w.device.durableAt(cut, (h & 1) == 0 ? null : new Random(h)));
    }

    /** Opens a cache on {@code image} in front of {@code device} and checks every device block against the oracle. */
    static void check(final CrashWorkload w, final long cut, final PersistentMemory image,
                      final CrashAwareDevice device) {
        final WriteCache cache;
        try {
            cache = WriteCache.open(w.config, image, device);
        } catch (final CorruptCacheException e) {
            if (cut < w.formatted) {
                return;
            }
            throw new AssertionError("cut " + cut + ": recovery failed: " + e, e);
        } catch (final IOException | RuntimeException e) {
            throw new AssertionError("cut " + cut + ": recovery failed: " + e, e);
        }
        try (cache) {
            final CacheStatus status = cache.status();
            if (status.error() != 0) {
                throw new AssertionError("cut " + cut + ": recovered cache is in the error state: "
                    + status.errorMessage());
            }
            final byte[] all = new byte[(int) device.size()];
            cache.read(0, ByteBuffer.wrap(all));
            w.oracle.check(cut, all);
        } catch (final IOException e) {
            throw new UncheckedIOException("cut " + cut + ": " + e.getMessage(), e);
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
            final CrashWorkload w = CrashWorkload.random(seed, OPERATIONS);
            check(w, cutOf(parts[1]), w.memory.rebuild(parts[1]), parts[1]);
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
        check(w, cutOf(picked[0]), rebuilt, picked[0]);
    }

    private static byte[] contents(final PersistentMemory memory) {
        final byte[] out = new byte[(int) memory.size()];
        memory.copyTo(0, out, 0, out.length);
        return out;
    }

    @Test
    void workloadsAreDeterministic() throws IOException {
        final CrashWorkload a = CrashWorkload.random(7, OPERATIONS);
        final CrashWorkload b = CrashWorkload.random(7, OPERATIONS);
        assertEquals(a.summary(), b.summary());
        assertEquals(a.trace(), b.trace());
    }
}
