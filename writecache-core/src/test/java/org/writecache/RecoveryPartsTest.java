package org.writecache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.Test;
import org.writecache.format.CacheLayout;
import org.writecache.format.DataChecksum;
import org.writecache.freelist.FreeList;
import org.writecache.freelist.Parker;
import org.writecache.index.BlockIndex;
import org.writecache.pmem.HeapPersistentMemory;

/**
 * Recovery scanned in parts on several threads (as large caches are) ends exactly as a scan on one thread: the same
 * block states, index, write order, freelist, counts and media, and the same first refusal in block order.
 */
class RecoveryPartsTest {
    private static final int BS = 512;
    private static final int BLOCKS = 3 * 4096 + 77;
    private static final long DEVICE_BLOCKS = 4096;

    /** Free, committed, uncommitted and duplicate entries everywhere, duplicates across the part boundaries. */
    private static HeapPersistentMemory cache(final long seed, final int corruptAt, final int corruptAlsoAt)
        throws CorruptCacheException {
        final HeapPersistentMemory pm = new HeapPersistentMemory(CacheLayout.regionSize(BLOCKS, BS,
            DataChecksum.CRC32C));
        final CacheLayout l = CacheLayout.format(pm, 0, BS, BLOCKS, DEVICE_BLOCKS * BS, DataChecksum.CRC32C);
        final Random r = new Random(seed);
        for (int b = 0; b < BLOCKS; b++) {
            if (r.nextInt(3) > 0) {
                l.writeEntry(b, r.nextInt((int) DEVICE_BLOCKS), r.nextInt(900) == 0 ? 1000 : r.nextInt(1000));
            }
        }
        for (final int bad : new int[] {corruptAt, corruptAlsoAt}) {
            if (bad >= 0) {
                l.writeEntry(bad, 1, 1);
                pm.putLong(l.entryOffset(bad) + 8, 2);
            }
        }
        l.commit(1000);
        return pm;
    }

    /** @return everything recovery decided, as text, or the refusal. */
    private static String recover(final HeapPersistentMemory image, final int parts) throws CorruptCacheException {
        final CacheLayout l = CacheLayout.open(image, 0, BS);
        final BlockIndex index = new BlockIndex(BLOCKS);
        final byte[] state = new byte[BLOCKS];
        final FreeList free = new FreeList(BLOCKS, WaitPolicy.DIRECT, Parker.LOCK_SUPPORT, new SystemNanoClock());
        final Recovery.Result r = Recovery.run(l, DEVICE_BLOCKS, index, state, free, parts);
        final List<Long> order = new ArrayList<>();
        for (int b = index.oldest(); b >= 0; b = index.newer(b)) {
            order.add(index.keyOf(b) << 32 | b);
        }
        final int[] lookups = new int[(int) DEVICE_BLOCKS];
        for (int d = 0; d < DEVICE_BLOCKS; d++) {
            lookups[d] = index.get(d);
        }
        return r + " free " + free.available() + " states " + Arrays.hashCode(state) + " index "
            + Arrays.hashCode(lookups) + " order " + order.hashCode() + " media "
            + Arrays.hashCode(image.toByteArray());
    }

    @Test
    void aScanInPartsEndsAsOneScan() throws CorruptCacheException {
        for (long seed = 1; seed <= 4; seed++) {
            final HeapPersistentMemory pm = cache(seed, -1, -1);
            final String one = recover(pm.copy(), 1);
            for (final int parts : new int[] {2, 3, 7}) {
                assertEquals(one, recover(pm.copy(), parts), "seed " + seed + ", " + parts + " parts");
            }
        }
    }

    @Test
    void theFirstRefusalInBlockOrderIsTheOneReported() throws CorruptCacheException {
        final HeapPersistentMemory pm = cache(9, BLOCKS - 5, BLOCKS / 2 + 3);
        final CorruptCacheException one = assertThrows(CorruptCacheException.class, () -> recover(pm.copy(), 1));
        for (final int parts : new int[] {2, 3}) {
            assertEquals(one.getMessage(), assertThrows(CorruptCacheException.class,
                () -> recover(pm.copy(), parts)).getMessage(), parts + " parts");
        }
        assertTrue(one.getMessage().contains("entry " + (BLOCKS / 2 + 3)), one.getMessage());
    }
}
