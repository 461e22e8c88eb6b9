package org.writecache;

import org.writecache.format.CacheLayout;
import org.writecache.format.EntryClassifier;
import org.writecache.freelist.FreeList;
import org.writecache.index.BlockIndex;

/**
 * Rebuilds the in-memory state of a cache from its entries, reading each once: no full-device rewrite.
 *
 * <ul>
 *   <li>free entries go to the freelist;</li>
 *   <li>uncommitted entries (seq at the commit count) are freed on media, so a later commit cannot turn
 *       them into committed garbage, and go to the freelist;</li>
 *   <li>of two committed entries for one device block, the higher seq wins and the other is freed; equal seqs put
 *       the cache in the error state (dm-writecache's rule);</li>
 *   <li>an entry that fails its checksum, has a seq above the commit count, or maps a block beyond the backing
 *       device makes the open fail with {@link CorruptCacheException} naming the entry. Dropping such an entry
 *       instead would silently serve older data from the backing device in place of a committed write, so the open
 *       refuses and leaves the choice (restore the file, or format over it) to the operator.</li>
 * </ul>
 * The classification of entries and the choice between duplicates are {@link EntryClassifier}'s, shared with the
 * offline {@link CacheInspector}.
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

    /** Caches of at least this many blocks are scanned by two threads (when there are two processors). */
    static final int PARALLEL_FROM = 1 << 18;

    private final CacheLayout layout;
    private final EntryClassifier classifier;
    private final BlockIndex index;
    private final byte[] state;
    private final long seq;
    private final int[] free;
    /** Committed entries found by the scan, {@code deviceBlock << 31 | block}, for {@link BlockIndex#mapAll}. */
    private final long[] found;
    private int foundCount;
    private int freeCount;
    private int uncommitted;
    private int duplicates;
    private long minSeq = Long.MAX_VALUE;
    private long maxSeq = -1;
    private String error;

    private Recovery(final CacheLayout layout, final long deviceBlocks, final BlockIndex index, final byte[] state)
        throws CorruptCacheException {
        this.layout = layout;
        this.index = index;
        this.state = state;
        this.seq = layout.seqCount();
        this.classifier = new EntryClassifier(layout, seq, deviceBlocks);
        this.free = new int[layout.blockCount()];
        this.found = new long[layout.blockCount()];
    }

    static Result run(final CacheLayout layout, final long deviceBlocks, final BlockIndex index, final byte[] state,
                      final FreeList freeList) throws CorruptCacheException {
        final int parts = layout.blockCount() >= PARALLEL_FROM && Runtime.getRuntime().availableProcessors() > 1 ? 2 : 1;
        return run(layout, deviceBlocks, index, state, freeList, parts);
    }

    /** {@link #run} with the scan split into {@code parts} parts, each on its own thread. */
    static Result run(final CacheLayout layout, final long deviceBlocks, final BlockIndex index, final byte[] state,
                      final FreeList freeList, final int parts) throws CorruptCacheException {
        final Recovery r = new Recovery(layout, deviceBlocks, index, state);
        final int n = layout.blockCount();
        r.scan(parts);
        index.mapAll(r.found, r.foundCount, r::duplicate);
        if (r.duplicates > 0 || r.uncommitted > 0) {
            layout.memory().fence();
        }
        freeList.addAll(r.free, r.freeCount);
        linkOldestFirst(index, state, layout, n, r.minSeq, r.maxSeq);
        return new Result(r.seq, index.mapped(), r.uncommitted, r.duplicates, r.error);
    }

    /**
     * Scans every entry in {@code parts} contiguous parts, the first on this thread and each other on its own, then
     * joins their lists in block order. The index is filled after the scan, in slot order ({@link BlockIndex#mapAll}):
     * inserting each entry as it is read would touch the table at random, which dominated the open of a large cache.
     * A small cache is scanned on this thread alone, so that its recovery is one deterministic sequence of stores.
     *
     * @throws CorruptCacheException of the first entry, in block order, that refuses the open.
     */
    private void scan(final int parts) throws CorruptCacheException {
        final int n = layout.blockCount();
        final EntryScan[] scans = new EntryScan[parts];
        for (int p = 0; p < parts; p++) {
            scans[p] = new EntryScan(layout, classifier, state, free, found, (int) ((long) n * p / parts),
                (int) ((long) n * (p + 1) / parts));
        }
        final Thread[] threads = new Thread[parts];
        for (int p = 1; p < parts; p++) {
            threads[p] = Thread.ofPlatform().name("writecache-recovery-" + p).start(scans[p]);
        }
        scans[0].run();
        for (int p = 1; p < parts; p++) {
            joinUninterruptibly(threads[p]);
        }
        for (final EntryScan s : scans) {
            if (s.failure != null) {
                throw s.failure;
            }
            System.arraycopy(free, s.from, free, freeCount, s.freeCount);
            System.arraycopy(found, s.from, found, foundCount, s.foundCount);
            freeCount += s.freeCount;
            foundCount += s.foundCount;
            uncommitted += s.uncommitted;
            minSeq = Math.min(minSeq, s.minSeq);
            maxSeq = Math.max(maxSeq, s.maxSeq);
        }
    }

    private static void joinUninterruptibly(final Thread t) {
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (final InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Two committed entries hold one device block: the one {@link EntryClassifier#resolve} keeps stays mapped, the
     * other is freed on media; equal seqs put the cache in the error state and leave both on media.
     *
     * @return the cache block that stays mapped.
     */
    private int duplicate(final int first, final int second) {
        final long deviceBlock = index.keyOf(first);
        final long seq = layout.seqOf(second);
        final int keep;
        final int loser;
        switch (EntryClassifier.resolve(layout.seqOf(first), seq)) {
            case CONFLICT -> {
                if (error == null) {
                    error = EntryClassifier.conflict(first, second, deviceBlock, seq);
                }
                state[second] = BlockState.SUPERSEDED;
                return first;
            }
            case REPLACE -> {
                keep = second;
                loser = first;
            }
            default -> {
                keep = first;
                loser = second;
            }
        }
        state[loser] = BlockState.FREE;
        layout.freeEntry(loser);
        layout.flushEntry(loser);
        free[freeCount++] = loser;
        duplicates++;
        return keep;
    }

    /**
     * Links every committed block into the write order by seq, oldest at the tail, reading each seq from its entry
     * again (block by block, so sequentially) rather than keeping 8 bytes a block on the heap while the cache opens.
     * Seqs usually span a small range (a commit covers many blocks), so a counting sort over the range does it in
     * linear time; a wide range falls back to a comparison sort of packed (rank, block) keys.
     */
    private static void linkOldestFirst(final BlockIndex index, final byte[] state, final CacheLayout layout,
                                        final int n, final long minSeq, final long maxSeq) {
        if (minSeq > maxSeq) {
            return;
        }
        final long range = maxSeq - minSeq + 1;
        if (range <= 4L * n) {
            final int[] starts = new int[(int) range + 1];
            for (int i = 0; i < n; i++) {
                if (state[i] == BlockState.COMMITTED) {
                    starts[(int) (layout.seqOf(i) - minSeq) + 1]++;
                }
            }
            for (int r = 1; r <= range; r++) {
                starts[r] += starts[r - 1];
            }
            final int[] sorted = new int[starts[(int) range]];
            for (int i = 0; i < n; i++) {
                if (state[i] == BlockState.COMMITTED) {
                    sorted[starts[(int) (layout.seqOf(i) - minSeq)]++] = i;
                }
            }
            for (final int b : sorted) {
                index.linkNewest(b);
            }
            return;
        }
        final int[] blocks = java.util.stream.IntStream.range(0, n).filter(i -> state[i] == BlockState.COMMITTED)
            .toArray();
        final long[] distinct = java.util.Arrays.stream(blocks).mapToLong(layout::seqOf).sorted().distinct()
            .toArray();
        final long[] packed = new long[blocks.length];
        for (int k = 0; k < blocks.length; k++) {
            packed[k] = ((long) java.util.Arrays.binarySearch(distinct, layout.seqOf(blocks[k])) << 31) | blocks[k];
        }
        java.util.Arrays.sort(packed);
        for (final long p : packed) {
            index.linkNewest((int) (p & 0x7FFF_FFFFL));
        }
    }
}
