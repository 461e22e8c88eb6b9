package org.writecache.pmem.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.writecache.pmem.HeapPersistentMemory;

/** The simulator's model, checked on small hand-made histories. */
class CrashSimulatingMemoryTest {
    private static final long A = 0xAAAA_AAAA_AAAA_AAAAL;
    private static final long B = 0xBBBB_BBBB_BBBB_BBBBL;

    private final CrashSimulatingMemory memory = new CrashSimulatingMemory(4096);

    /** Every image of the walk, with its cut point. */
    private List<CrashImage> images(final CrashPlan plan) {
        final List<CrashImage> all = new ArrayList<>();
        memory.forEachCrashImage(plan, all::add);
        return all;
    }

    private static CrashPlan plan(final Tearing tearing) {
        return CrashPlan.defaults().withTearing(tearing);
    }

    /** @return the distinct values the word at {@code offset} takes in images whose crash came at or after {@code cut}. */
    private static Set<Long> valuesAt(final List<CrashImage> images, final long offset, final long cut) {
        final Set<Long> values = new HashSet<>();
        for (final CrashImage image : images) {
            if (image.crashedAfter(cut)) {
                values.add(image.memory().getLong(offset));
            }
        }
        return values;
    }

    @ParameterizedTest
    @EnumSource(Tearing.class)
    void anUnflushedStoreCanBeLostOrKept(final Tearing tearing) {
        memory.putLong(64, A);
        assertEquals(Set.of(0L, A), valuesAt(images(plan(tearing)), 64, 0));
    }

    @ParameterizedTest
    @EnumSource(Tearing.class)
    void aFlushedButUnfencedStoreCanBeLost(final Tearing tearing) {
        memory.putLong(64, A);
        memory.flush(64, 8);
        assertEquals(Set.of(0L, A), valuesAt(images(plan(tearing)), 64, memory.eventCount()));
    }

    @ParameterizedTest
    @EnumSource(Tearing.class)
    void aFlushedAndFencedStoreIsInEveryLaterImage(final Tearing tearing) {
        memory.putLong(64, A);
        memory.persist(64, 8);
        final long acknowledged = memory.eventCount();
        memory.putLong(128, B);
        memory.putLong(1024, B);
        memory.persist(1024, 8);
        final List<CrashImage> images = images(plan(tearing).withCutPoints(CutPoints.EVERY_EVENT));
        assertEquals(Set.of(A), valuesAt(images, 64, acknowledged));
        assertEquals(Set.of(0L, A), valuesAt(images, 64, 0), "before the fence it was not guaranteed");
    }

    @ParameterizedTest
    @EnumSource(Tearing.class)
    void aStoreBetweenTheFlushAndTheFenceIsNotGuaranteed(final Tearing tearing) {
        memory.putLong(64, A);
        memory.flush(64, 64);
        memory.putLong(72, B);
        memory.putLong(64 + 16, B);
        memory.fence();
        final long acknowledged = memory.eventCount();
        final List<CrashImage> images = images(plan(tearing));
        assertEquals(Set.of(A), valuesAt(images, 64, acknowledged), "the flushed word is durable");
        assertEquals(Set.of(0L, B), valuesAt(images, 72, acknowledged), "the later store to the same line is not");
    }

    @Test
    void aStoreOverwrittenAfterItsFlushPersistsWithTheFlushedValueAtLeast() {
        memory.putLong(64, A);
        memory.flush(64, 8);
        memory.putLong(64, B);
        memory.fence();
        assertEquals(Set.of(A, B), valuesAt(images(plan(Tearing.PREFIX)), 64, memory.eventCount()));
    }

    @ParameterizedTest
    @EnumSource(Tearing.class)
    void putLongAtomicNeverTearsButAnUnalignedPutLongDoes(final Tearing tearing) {
        final long[] values = {-1L, 0x0123_4567_89AB_CDEFL, A, B};
        for (final long value : values) {
            memory.putLongAtomic(64, value);
            memory.putLong(188, value); // straddles the lines at 128..191 and 192..255
        }
        final Set<Long> allowed = new HashSet<>(List.of(0L, -1L, 0x0123_4567_89AB_CDEFL, A, B));
        final List<CrashImage> images = images(plan(tearing).withCutPoints(CutPoints.EVERY_EVENT));
        for (final CrashImage image : images) {
            assertTrue(allowed.contains(image.memory().getLong(64)), image.replay());
        }
        boolean tornSeen = false;
        for (final CrashImage image : images) {
            tornSeen |= !allowed.contains(image.memory().getLong(188));
        }
        assertTrue(tornSeen, "a store across two lines can be half on media, so the check above could fail");
    }

    @Test
    void aLineCopyCanTearAtAnyWordInTheAdversarialModeAndOnlyAsAPrefixOtherwise() {
        final byte[] line = new byte[64];
        for (int i = 0; i < line.length; i++) {
            line[i] = (byte) (0x80 | i);
        }
        memory.copyFrom(line, 0, 192, 64);
        final Set<Integer> adversarial = persistedWordMasks(images(plan(Tearing.ADVERSARIAL)));
        assertEquals(256, adversarial.size(), "every subset of the 8 words");
        final Set<Integer> prefix = persistedWordMasks(images(plan(Tearing.PREFIX)));
        assertEquals(Set.of(0, 1, 3, 7, 15, 31, 63, 127, 255), prefix, "prefixes of the copy only");
        assertEquals(Set.of(0, 255), persistedWordMasks(images(plan(Tearing.LINE))));
    }

    /** @return for each image, a bit per word of line 192..255 that holds the copied value; fails on a torn word. */
    private static Set<Integer> persistedWordMasks(final List<CrashImage> images) {
        final Set<Integer> masks = new HashSet<>();
        for (final CrashImage image : images) {
            int mask = 0;
            for (int w = 0; w < 8; w++) {
                final long value = image.memory().getLong(192 + 8L * w);
                if (value != 0) {
                    final long expected = ByteBuffer.wrap(copyWord(w)).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
                    assertEquals(expected, value, "word " + w + " is torn inside: " + image.replay());
                    mask |= 1 << w;
                }
            }
            masks.add(mask);
        }
        return masks;
    }

    private static byte[] copyWord(final int w) {
        final byte[] bytes = new byte[8];
        for (int i = 0; i < 8; i++) {
            bytes[i] = (byte) (0x80 | (8 * w + i));
        }
        return bytes;
    }

    @Test
    void threePendingLinesGiveExactlyEightDistinctImages() {
        memory.putLong(0, A);
        memory.putLong(64 * 5 + 8, B);
        memory.fill(64 * 9, 64, (byte) 7);
        final List<CrashImage> images = images(plan(Tearing.LINE));
        final Set<ByteBuffer> distinct = new HashSet<>();
        for (final CrashImage image : images) {
            assertEquals(3, image.pendingLines());
            distinct.add(ByteBuffer.wrap(image.memory().toByteArray()));
        }
        assertEquals(8, images.size());
        assertEquals(8, distinct.size());
    }

    @Test
    void manyPendingLinesAreSampledWithBothExtremesFirst() {
        memory.fill(0, 4096, (byte) 1);
        final List<CrashImage> images = images(plan(Tearing.LINE).withSamplesPerCut(10));
        assertEquals(10, images.size());
        assertEquals(64, images.get(0).pendingLines());
        assertEquals(0, images.get(0).memory().getLong(4088), "sample 0: nothing persisted");
        assertEquals(0x0101010101010101L, images.get(1).memory().getLong(0), "sample 1: everything persisted");
        assertEquals(0x0101010101010101L, images.get(1).memory().getLong(4088));
    }

    @Test
    void sameSeedSameImagesOtherSeedOtherImages() {
        memory.fill(0, 4096, (byte) 1);
        final CrashPlan plan = plan(Tearing.PREFIX).withSamplesPerCut(6);
        final List<String> first = images(plan).stream().map(CrashImage::replay).toList();
        final List<String> again = images(plan).stream().map(CrashImage::replay).toList();
        final List<String> other = images(plan.withSeed(99)).stream().map(CrashImage::replay).toList();
        assertEquals(first, again);
        assertFalse(first.subList(2, 6).equals(other.subList(2, 6)));
    }

    @ParameterizedTest
    @EnumSource(Tearing.class)
    void theReplayStringRebuildsTheIdenticalImage(final Tearing tearing) {
        for (int i = 0; i < 40; i++) {
            memory.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, (byte) i}, 0, (i * 97L) % 4000, 13);
            if (i % 3 == 0) {
                memory.flush((i * 97L) % 4000, 13);
            }
            if (i % 5 == 0) {
                memory.fence();
            }
        }
        final List<CrashImage> images = images(plan(tearing).withSamplesPerCut(8).withCutPoints(CutPoints.EVERY_EVENT));
        assertTrue(images.size() > 100, "images: " + images.size());
        for (final CrashImage image : images) {
            final HeapPersistentMemory rebuilt = memory.rebuild(image.replay());
            assertEquals(-1, rebuilt.mismatch(image.memory()), image.replay());
        }
    }

    @Test
    void rebuildRejectsReplayStringsThatDoNotFitNamingTheProblem() {
        memory.putLong(0, A);
        memory.persist(0, 8);
        memory.putLong(64, B);
        final String good = images(plan(Tearing.LINE)).getLast().replay();
        assertRejected(good.replace("crash-replay/1", "crash-replay/9"), "crash-replay/1");
        assertRejected(good.replaceAll("cut=\\d+", "cut=99"), "outside");
        assertRejected(good.replaceAll("log=[0-9a-f]+", "log=1234"), "another run");
        assertRejected(good.replaceAll("choices=\\S+", "choices=7:1"), "'7:1'");
        assertRejected(good.replaceAll("choices=\\S+", "choices=1:2"), "allowed 1 to 1");
        assertRejected(good.replaceAll("choices=\\S+", "choices=1.0:1"), "malformed choice");
        assertRejected(good.replaceAll(" seed=\\S+", ""), "no seed=");
    }

    private void assertRejected(final String replay, final String mentioned) {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> memory.rebuild(replay));
        assertTrue(e.getMessage().contains(mentioned), e.getMessage());
    }

    @Test
    void aRegionOfCrashImagesCanStartFromADurableImage() {
        final byte[] durable = new byte[128];
        durable[100] = 42;
        final CrashSimulatingMemory fromImage = new CrashSimulatingMemory(durable);
        fromImage.putLong(0, A);
        final List<CrashImage> all = new ArrayList<>();
        fromImage.forEachCrashImage(plan(Tearing.LINE), all::add);
        assertEquals(2, all.size());
        for (final CrashImage image : all) {
            assertEquals(42, image.memory().toByteArray()[100]);
        }
    }

    @Test
    void badSizesAndPlansAreNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new CrashSimulatingMemory(100))
            .getMessage().contains("100"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new CrashSimulatingMemory(new byte[0]))
            .getMessage().contains(": 0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CrashPlan.defaults().withSamplesPerCut(0))
            .getMessage().contains("samplesPerCut must be at least 1: 0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CrashPlan.defaults().withExhaustiveLimit(-3))
            .getMessage().contains("-3"));
    }

    @Test
    void aRejectedImageStopsTheWalkWithItsReplayString() {
        memory.putLong(0, A);
        final CrashImageFailure failure = assertThrows(CrashImageFailure.class,
            () -> memory.forEachCrashImage(plan(Tearing.LINE), image -> assertEquals(A, image.memory().getLong(0))));
        assertTrue(failure.getMessage().contains(failure.replay()), failure.getMessage());
        assertEquals(0, memory.rebuild(failure.replay()).getLong(0));
    }
}
