package org.writecache;

import java.util.Arrays;

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
        final long[] order = new long[n];
        int committed = 0;
        int uncommitted = 0;
        int duplicates = 0;
        long minSeq = Long.MAX_VALUE;
        long maxSeq = 0;
        String error = null;
        boolean freedCommitted = false;
        for (int i = 0; i < n; i++) {
            layout.readEntry(i, e);
            switch (e.state) {
                case FREE -> freeList.add(i);
                case CORRUPT -> throw new CorruptCacheException(String.format(
                    "entry %d (offset %d) fails its checksum: the cache metadata is corrupt", i,
                    layout.entryOffset(i)));
                case USED -> {
                    if (e.seq > seq) {
                        throw new CorruptCacheException("entry " + i + " (offset " + layout.entryOffset(i)
                            + ") has seq " + e.seq + " above the commit count " + seq);
                    }
                    if (e.seq == seq) {
                        layout.freeEntry(i);
                        layout.flushEntry(i);
                        freeList.add(i);
                        uncommitted++;
                        continue;
                    }
                    if (e.deviceBlock >= deviceBlocks) {
                        throw new CorruptCacheException("entry " + i + " (offset " + layout.entryOffset(i)
                            + ") maps device block " + e.deviceBlock + ", beyond the backing device of "
                            + deviceBlocks + " blocks");
                    }
                    final int existing = index.get(e.deviceBlock);
                    if (existing < 0) {
                        index.map(e.deviceBlock, i);
                        state[i] = BlockState.COMMITTED;
                        order[i] = e.seq;
                        committed++;
                        minSeq = Math.min(minSeq, e.seq);
                        maxSeq = Math.max(maxSeq, e.seq);
                        continue;
                    }
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
                    if (loser == existing) {
                        index.unmap(existing);
                        index.map(e.deviceBlock, i);
                        state[i] = BlockState.COMMITTED;
                        order[i] = e.seq;
                        minSeq = Math.min(minSeq, e.seq);
                        maxSeq = Math.max(maxSeq, e.seq);
                    }
                    state[loser] = BlockState.FREE;
                    layout.freeEntry(loser);
                    layout.flushEntry(loser);
                    freedCommitted = true;
                    freeList.add(loser);
                    duplicates++;
                }
                default -> throw new IllegalStateException(e.state.toString());
            }
        }
        if (freedCommitted || uncommitted > 0) {
            layout.memory().fence();
        }
        linkOldestFirst(index, state, order, n, minSeq, maxSeq);
        return new Result(seq, index.mapped(), uncommitted, duplicates, error);
    }

    /** Links every committed block into the write order by seq, oldest at the tail. */
    private static void linkOldestFirst(final BlockIndex index, final byte[] state, final long[] seqs, final int n,
                                        final long minSeq, final long maxSeq) {
        int count = 0;
        final long[] packed = seqs;
        final boolean packable = maxSeq - minSeq < (1L << 32);
        final long[] ranks = packable ? null : distinctSorted(seqs, state, n);
        for (int i = 0; i < n; i++) {
            if (state[i] == BlockState.COMMITTED) {
                final long key = packable ? seqs[i] - minSeq : Arrays.binarySearch(ranks, seqs[i]);
                packed[count++] = (key << 31) | i;
            }
        }
        Arrays.sort(packed, 0, count);
        for (int k = 0; k < count; k++) {
            index.linkNewest((int) (packed[k] & 0x7FFF_FFFFL));
        }
    }

    private static long[] distinctSorted(final long[] seqs, final byte[] state, final int n) {
        long[] s = new long[n];
        int c = 0;
        for (int i = 0; i < n; i++) {
            if (state[i] == BlockState.COMMITTED) {
                s[c++] = seqs[i];
            }
        }
        s = Arrays.copyOf(s, c);
        Arrays.sort(s);
        return Arrays.stream(s).distinct().toArray();
    }
}
