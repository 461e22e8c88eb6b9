package org.writecache;

import org.writecache.format.CacheLayout;
import org.writecache.freelist.FreeList;
import org.writecache.index.BlockIndex;

/**
 * Rebuilds the in-memory state of a cache from its entries, reading each once: no full-device rewrite.
 *
 * <ul>
 *   <li>free entries go to the freelist;</li>
 *   <li>uncommitted entries (seq at or above the commit count) are freed on media, so a later commit cannot turn
 *       them into committed garbage, and go to the freelist;</li>
 *   <li>of two committed entries for one device block, the higher seq wins and the other is freed; equal seqs put
 *       the cache in the error state (dm-writecache's rule);</li>
 *   <li>an entry that fails its checksum, has a seq above the commit count, or maps a block beyond the backing
 *       device makes the open fail with {@link CorruptCacheException} naming the entry. Dropping such an entry
 *       instead would silently serve older data from the backing device in place of a committed write, so the open
 *       refuses and leaves the choice (restore the file, or format over it) to the operator.</li>
 * </ul>
 * The write order is rebuilt by seq, oldest first, so writeback after reopen still takes the oldest data first.
 */
final class Recovery {
    /**
     * What recovery found.
     *
     * @param seq         the commit count
     * @param committed   committed blocks mapped
     * @param uncommitted uncommitted entries freed
     * @param duplicates  older duplicates freed
     * @param error       why the cache must stay in the error state, or null
     */
    record Result(long seq, int committed, int uncommitted, int duplicates, String error) {
    }

    private Recovery() {
    }

    static Result run(final CacheLayout layout, final long deviceBlocks, final BlockIndex index, final byte[] state,
                      final FreeList freeList) throws CorruptCacheException {
        final long seq = layout.seqCount();
        final int n = layout.blockCount();
        final CacheLayout.Entry e = new CacheLayout.Entry();
        final CacheLayout.Entry other = new CacheLayout.Entry();
        final long[] seqs = new long[n];
        final int[] free = new int[n];
        int freeCount = 0;
        int uncommitted = 0;
        int duplicates = 0;
        long minSeq = Long.MAX_VALUE;
        long maxSeq = 0;
        String error = null;
        for (int i = 0; i < n; i++) {
            layout.readEntry(i, e);
            if (e.state == CacheLayout.Entry.State.FREE) {
                free[freeCount++] = i;
                continue;
            }
            if (e.state == CacheLayout.Entry.State.CORRUPT) {
                throw new CorruptCacheException(String.format(
                    "entry %d (offset %d) fails its checksum: the cache metadata is corrupt", i,
                    layout.entryOffset(i)));
            }
            if (e.seq > seq) {
                throw new CorruptCacheException("entry " + i + " (offset " + layout.entryOffset(i) + ") has seq "
                    + e.seq + " above the commit count " + seq);
            }
            if (e.seq == seq) {
                layout.freeEntry(i);
                layout.flushEntry(i);
                free[freeCount++] = i;
                uncommitted++;
                continue;
            }
            if (e.deviceBlock >= deviceBlocks) {
                throw new CorruptCacheException("entry " + i + " (offset " + layout.entryOffset(i)
                    + ") maps device block " + e.deviceBlock + ", beyond the backing device of " + deviceBlocks
                    + " blocks");
            }
            final int existing = index.mapIfAbsent(e.deviceBlock, i);
            int winner = i;
            if (existing >= 0) {
                layout.readEntry(existing, other);
                if (other.seq == e.seq) {
                    if (error == null) {
                        error = "entries " + existing + " and " + i + " both hold device block " + e.deviceBlock
                            + " at seq " + e.seq;
                    }
                    state[i] = BlockState.SUPERSEDED;
                    continue;
                }
                final int loser = other.seq < e.seq ? existing : i;
                winner = loser == existing ? i : existing;
                if (loser == existing) {
                    index.unmap(existing);
                    index.map(e.deviceBlock, i);
                }
                state[loser] = BlockState.FREE;
                layout.freeEntry(loser);
                layout.flushEntry(loser);
                free[freeCount++] = loser;
                duplicates++;
            }
            if (winner == i) {
                state[i] = BlockState.COMMITTED;
                seqs[i] = e.seq;
                minSeq = Math.min(minSeq, e.seq);
                maxSeq = Math.max(maxSeq, e.seq);
            }
        }
        if (duplicates > 0 || uncommitted > 0) {
            layout.memory().fence();
        }
        freeList.addAll(free, freeCount);
        linkOldestFirst(index, state, seqs, n, minSeq, maxSeq);
        return new Result(seq, index.mapped(), uncommitted, duplicates, error);
    }

    /**
     * Links every committed block into the write order by seq, oldest at the tail. Seqs usually span a small range
     * (a commit covers many blocks), so a counting sort over the range does it in linear time; a wide range falls
     * back to a comparison sort of packed (rank, block) keys.
     */
    private static void linkOldestFirst(final BlockIndex index, final byte[] state, final long[] seqs, final int n,
                                        final long minSeq, final long maxSeq) {
        if (minSeq > maxSeq) {
            return;
        }
        final long range = maxSeq - minSeq + 1;
        if (range <= 4L * n) {
            final int[] starts = new int[(int) range + 1];
            for (int i = 0; i < n; i++) {
                if (state[i] == BlockState.COMMITTED) {
                    starts[(int) (seqs[i] - minSeq) + 1]++;
                }
            }
            for (int r = 1; r <= range; r++) {
                starts[r] += starts[r - 1];
            }
            final int[] sorted = new int[starts[(int) range]];
            for (int i = 0; i < n; i++) {
                if (state[i] == BlockState.COMMITTED) {
                    sorted[starts[(int) (seqs[i] - minSeq)]++] = i;
                }
            }
            for (final int b : sorted) {
                index.linkNewest(b);
            }
            return;
        }
        final long[] distinct = java.util.Arrays.stream(seqs).distinct().sorted().toArray();
        final long[] packed = new long[n];
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (state[i] == BlockState.COMMITTED) {
                packed[count++] = ((long) java.util.Arrays.binarySearch(distinct, seqs[i]) << 31) | i;
            }
        }
        java.util.Arrays.sort(packed, 0, count);
        for (int k = 0; k < count; k++) {
            index.linkNewest((int) (packed[k] & 0x7FFF_FFFFL));
        }
    }
}
