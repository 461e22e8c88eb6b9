package org.writecache.pmem.crash;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.writecache.pmem.HeapPersistentMemory;
import org.writecache.pmem.PersistentMemory;

/**
 * The simulator finds a broken commit protocol and passes a correct one. The protocol: records of three cache lines,
 * then a commit word at offset 0 holding how many records are committed. The oracle: every committed record is
 * intact, and every acknowledged commit is there if the crash came after its acknowledgement.
 */
class CommitProtocolCrashTest {
    private static final int RECORDS = 6;
    private static final int RECORD = 3 * PersistentMemory.CACHE_LINE;

    private static long recordOffset(final int i) {
        return 256 + 256L * i;
    }

    private static byte[] record(final int i) {
        final byte[] bytes = new byte[RECORD];
        for (int b = 0; b < RECORD; b++) {
            bytes[b] = (byte) (i * 37 + b + 1);
        }
        return bytes;
    }

    /** Data made durable, then the commit word written and made durable: the correct order. */
    private static List<Long> commitCorrectly(final PersistentMemory memory, final CrashSimulatingMemory log) {
        final List<Long> acknowledged = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            memory.copyFrom(record(i), 0, recordOffset(i), RECORD);
            memory.persist(recordOffset(i), RECORD);
            memory.putLongAtomic(0, i + 1);
            memory.persist(0, Long.BYTES);
            acknowledged.add(log.eventCount());
        }
        return acknowledged;
    }

    /** The commit word written before the data is fenced: one fence for both. */
    private static List<Long> commitBroken(final PersistentMemory memory, final CrashSimulatingMemory log) {
        final List<Long> acknowledged = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            memory.copyFrom(record(i), 0, recordOffset(i), RECORD);
            memory.flush(recordOffset(i), RECORD);
            memory.putLongAtomic(0, i + 1);
            memory.flush(0, Long.BYTES);
            memory.fence();
            acknowledged.add(log.eventCount());
        }
        return acknowledged;
    }

    private static CrashImageConsumer oracle(final List<Long> acknowledged) {
        return image -> check(image.memory(), image, acknowledged);
    }

    private static void check(final HeapPersistentMemory memory, final CrashImage image, final List<Long> acknowledged) {
        final long committed = memory.getLong(0);
        for (int i = 0; i < committed; i++) {
            final byte[] seen = new byte[RECORD];
            memory.copyTo(recordOffset(i), seen, 0, RECORD);
            assertArrayEquals(record(i), seen, "committed record " + i + " is damaged");
        }
        for (int k = 0; k < acknowledged.size(); k++) {
            if (image == null || image.crashedAfter(acknowledged.get(k))) {
                assertTrue(committed >= k + 1, "acknowledged commit " + (k + 1) + " is lost");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Tearing.class)
    void theCorrectOrderIsNeverCaught(final Tearing tearing) {
        final CrashSimulatingMemory memory = new CrashSimulatingMemory(4096);
        final List<Long> acknowledged = commitCorrectly(memory, memory);
        final CrashWalkStats stats = memory.forEachCrashImage(
            CrashPlan.defaults().withTearing(tearing).withCutPoints(CutPoints.EVERY_EVENT), oracle(acknowledged));
        assertEquals(memory.eventCount() + 1, stats.cutPoints());
        assertTrue(stats.images() > 2 * stats.cutPoints(), "images: " + stats.images());
    }

    @ParameterizedTest
    @EnumSource(Tearing.class)
    void committingBeforeTheDataIsFencedIsCaughtAndTheReplayReproducesIt(final Tearing tearing) {
        final CrashSimulatingMemory memory = new CrashSimulatingMemory(4096);
        final List<Long> acknowledged = commitBroken(memory, memory);
        final CrashImageFailure failure = assertThrows(CrashImageFailure.class,
            () -> memory.forEachCrashImage(CrashPlan.defaults().withTearing(tearing), oracle(acknowledged)));
        assertTrue(failure.getCause().getMessage().contains("is damaged"), failure.getMessage());
        final HeapPersistentMemory rebuilt = memory.rebuild(failure.replay());
        assertThrows(AssertionError.class, () -> check(rebuilt, null, List.of()));
    }
}
