package org.writecache.crash;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.writecache.CacheStatus;
import org.writecache.CorruptCacheException;
import org.writecache.WriteCache;
import org.writecache.pmem.PersistentMemory;
import org.writecache.pmem.crash.CrashPlan;
import org.writecache.pmem.crash.CrashSimulatingMemory;
import org.writecache.pmem.crash.CutPoints;
import org.writecache.pmem.crash.Tearing;

/**
 * Checks one crash image of a {@link CrashWorkload}: recovery, then every device block against its
 * {@link CrashOracle}.
 *
 * <p>Everything an image's check does besides the image itself is chosen by the hash of its replay string, so a
 * replayed image is checked exactly as it was in the walk: whether the backing device holds its synced writes only or
 * also a random subset of the unsynced ones, and whether recovery itself is crashed (one image in
 * {@value #RECOVERY_CRASH_EVERY}: recovery runs on a second simulator, and every crash image of that recovery must
 * pass the same check).
 */
final class CrashImageCheck {
    static final int RECOVERY_CRASH_EVERY = 32;
    private static final Pattern CUT = Pattern.compile("\\bcut=(\\d+)\\b");

    private CrashImageCheck() {
    }

    /** @return the cut point a replay string names. */
    static long cutOf(final String replay) {
        final Matcher m = CUT.matcher(replay);
        if (!m.find()) {
            throw new IllegalArgumentException("no cut= in replay string: " + replay);
        }
        return Long.parseLong(m.group(1));
    }

    /**
     * Checks the image of a crash at {@code cut} that {@code replay} names.
     *
     * @return images checked: 1, plus those of a crashed recovery.
     */
    static long checkImage(final CrashWorkload w, final long cut, final PersistentMemory image, final String replay) {
        final int h = replay.hashCode();
        final byte[] device = w.device.durableImageAt(cut, (h & 1) == 0 ? null : new Random(h));
        if (Math.floorMod(h >> 1, RECOVERY_CRASH_EVERY) != 0) {
            check(w, cut, image, new CrashAwareDevice(device, () -> 0));
            return 1;
        }
        return 1 + checkCrashedRecovery(w, cut, image, device, h);
    }

    /**
     * Records recovery of {@code image} on a second simulator (open and close, nothing else), then checks every crash
     * image of that recovery, each with its own copy of the device.
     */
    private static long checkCrashedRecovery(final CrashWorkload w, final long cut, final PersistentMemory image,
                                             final byte[] device, final long seed) {
        final byte[] bytes = new byte[(int) image.size()];
        image.copyTo(0, bytes, 0, bytes.length);
        final CrashSimulatingMemory again = new CrashSimulatingMemory(bytes);
        try {
            WriteCache.open(w.config, again, new CrashAwareDevice(device, () -> 0)).close();
        } catch (final CorruptCacheException e) {
            if (cut < w.formatted) {
                return 0;
            }
            throw new AssertionError("cut " + cut + ": recovery failed: " + e, e);
        } catch (final IOException e) {
            throw new AssertionError("cut " + cut + ": recovery failed: " + e, e);
        }
        return again.forEachCrashImage(new CrashPlan(CutPoints.EVERY_EVENT, Tearing.PREFIX, 16, 4, seed),
            crashed -> check(w, cut, crashed.memory(), new CrashAwareDevice(device, () -> 0))).images();
    }

    /**
     * Opens a cache on {@code image} in front of {@code device} and checks every device block against the oracle. A
     * crash before format returned may leave no cache (the open fails with {@link CorruptCacheException}); at any
     * later cut recovery must succeed and must not leave the cache in the error state. Then the recovered cache writes
     * everything back, and the device must hold exactly what the cache read.
     */
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
            w.oracle.check(cut, status.seqCount(), all);
            cache.writeback();
            final byte[] written = new byte[all.length];
            device.read(0, ByteBuffer.wrap(written));
            if (!Arrays.equals(all, written)) {
                throw new AssertionError("cut " + cut + ": after writeback the device differs from what the recovered"
                    + " cache read, first at byte " + Arrays.mismatch(all, written));
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("cut " + cut + ": " + e.getMessage(), e);
        }
    }
}
