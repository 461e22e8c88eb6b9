package org.writecache.index;

import java.util.Arrays;

/**
 * Maps device blocks to the cache blocks holding them, and keeps cache blocks in write order (oldest first for
 * writeback). Primitive arrays only, sized once for the cache's block count, so lookups allocate nothing and the
 * memory per cache block is fixed:
 *
 * <pre>
 *   table  int[ceil(n / 0.75)]  open addressing, linear probing, cache block or -1; about 5.3 bytes a block
 *   keys   int[n]               device block of each cache block (unsigned 32 bits)    4 bytes
 *   prev   int[n], next int[n]  write-order list, newest at head, oldest at tail      8 bytes
 * </pre>
 *
 * <p>Deletion uses backward shifting, so there are no tombstones and probe lengths never degrade. A cache block can
 * be mapped but out of the write-order list (while it is being written back). Not thread safe: the cache engine
 * calls it under its lock.
 */
public final class BlockIndex {
    private static final int NONE = -1;
    private static final int UNLINKED = -2;
    private static final long BLOCK_MASK = 0x7FFF_FFFFL;
    private static final int RADIX_BITS = 11;
    private static final int RADIX_MASK = (1 << RADIX_BITS) - 1;

    private final int[] table;
    private final int capacity;
    private final int[] keys;
    private final int[] prev;
    private final int[] next;
    private int head = NONE;
    private int tail = NONE;
    private int mapped;
    private int linked;

    /** @param blocks the number of cache blocks. */
    public BlockIndex(final int blocks) {
        capacity = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(blocks + 1L, (blocks * 4L + 2) / 3));
        table = new int[capacity];
        Arrays.fill(table, NONE);
        keys = new int[blocks];
        prev = new int[blocks];
        next = new int[blocks];
        Arrays.fill(prev, UNLINKED);
        Arrays.fill(next, UNLINKED);
    }

    /** @return bytes of heap this index uses per cache block (arrays only). */
    public double bytesPerBlock() {
        return (4.0 * capacity + 12.0 * keys.length) / keys.length;
    }

    private int home(final long deviceBlock) {
        final long h = (deviceBlock * 0x9E3779B97F4A7C15L) >>> 32;
        return (int) ((h * capacity) >>> 32);
    }

    private int nextSlot(final int slot) {
        return slot + 1 == capacity ? 0 : slot + 1;
    }

    /** @return the cache block holding {@code deviceBlock}, or -1. */
    public int get(final long deviceBlock) {
        final int key = (int) deviceBlock;
        for (int slot = home(deviceBlock); ; slot = nextSlot(slot)) {
            final int b = table[slot];
            if (b == NONE) {
                return NONE;
            }
            if (keys[b] == key) {
                return b;
            }
        }
    }

    /** @return the device block that cache block {@code block} holds (meaningful while mapped). */
    public long keyOf(final int block) {
        return keys[block] & 0xFFFFFFFFL;
    }

    /** @return the number of mapped cache blocks. */
    public int mapped() {
        return mapped;
    }

    /**
     * Maps {@code deviceBlock} to {@code block} unless it is mapped already.
     *
     * @return -1 if the mapping was added, else the cache block already holding {@code deviceBlock} (unchanged).
     */
    public int mapIfAbsent(final long deviceBlock, final int block) {
        final int key = (int) deviceBlock;
        int slot = home(deviceBlock);
        for (int b = table[slot]; b != NONE; b = table[slot]) {
            if (keys[b] == key) {
                return b;
            }
            slot = nextSlot(slot);
        }
        keys[block] = key;
        table[slot] = block;
        mapped++;
        return NONE;
    }

    /** Decides between two cache blocks that hold the same device block, for {@link #mapAll}. */
    @FunctionalInterface
    public interface Duplicates {
        /**
         * @param first  the cache block found first (the lower one).
         * @param second another cache block holding the same device block.
         * @return the one of the two that stays mapped; the caller deals with the other.
         */
        int keep(int first, int second);
    }

    /**
     * Maps many cache blocks at once into an empty index, as recovery does: much faster than {@link #map} one at a
     * time, because the table is filled in slot order. The entries are radix-sorted by home slot (stable, so blocks of
     * one slot stay in the order given), then each is placed at the first free slot from its home, which is the slot
     * after the one placed before it; the table is written front to back and no key is compared except between
     * entries of one home slot, where duplicates of a device block meet and {@code duplicates} decides.
     * The result satisfies linear probing's invariant (no empty slot between an entry's home and its slot), so
     * lookups and backward-shift deletion work on it as on a table built by {@link #map}.
     *
     * @param entries    {@code deviceBlock << 31 | block} per cache block to map, ascending by block; reordered.
     * @param count      entries used.
     * @param duplicates picks the cache block that stays mapped when two hold one device block.
     * @throws IllegalStateException if the index is not empty.
     */
    public void mapAll(final long[] entries, final int count, final Duplicates duplicates) {
        if (mapped != 0) {
            throw new IllegalStateException("bulk mapping needs an empty index: " + mapped + " blocks are mapped");
        }
        for (int i = 0; i < count; i++) {
            keys[(int) (entries[i] & BLOCK_MASK)] = (int) (entries[i] >>> 31);
        }
        final long[] sorted = sortByHome(entries, count);
        int cursor = 0;
        int wrapped = 0;
        for (int i = 0; i < count; ) {
            final int h = home(sorted[i] >>> 31);
            int j = i + 1;
            while (j < count && home(sorted[j] >>> 31) == h) {
                j++;
            }
            if (j - i > 1) {
                dropDuplicates(sorted, i, j, duplicates);
            }
            for (int k = i; k < j; k++) {
                if (sorted[k] < 0) {
                    continue;
                }
                final int block = (int) (sorted[k] & BLOCK_MASK);
                if (cursor < h) {
                    cursor = h;
                }
                if (cursor < capacity) {
                    table[cursor++] = block;
                } else {
                    sorted[wrapped++] = block; // past the end: placed from slot 0 below (wrapped <= k)
                }
                mapped++;
            }
            i = j;
        }
        for (int k = 0, slot = 0; k < wrapped; k++) {
            while (table[slot] != NONE) {
                slot++;
            }
            table[slot] = (int) sorted[k];
        }
    }

    /**
     * Resolves the entries of one home slot, {@code sorted[from, to)}, that hold the same device block: of each pair
     * {@code duplicates} keeps one, and the other's entry is set to -1 (dropped).
     */
    private static void dropDuplicates(final long[] sorted, final int from, final int to,
                                       final Duplicates duplicates) {
        for (int k = from + 1; k < to; k++) {
            for (int m = from; m < k && sorted[k] >= 0; m++) {
                if (sorted[m] >= 0 && (sorted[m] >>> 31) == (sorted[k] >>> 31)) {
                    final int earlier = (int) (sorted[m] & BLOCK_MASK);
                    if (duplicates.keep(earlier, (int) (sorted[k] & BLOCK_MASK)) == earlier) {
                        sorted[k] = -1;
                    } else {
                        sorted[m] = -1;
                    }
                }
            }
        }
    }

    /** LSD radix sort of {@code entries} by home slot, 11 bits a pass, stable; @return the sorted array. */
    private long[] sortByHome(final long[] entries, final int count) {
        long[] from = entries;
        long[] to = new long[count];
        final int[] counts = new int[1 << RADIX_BITS];
        for (int shift = 0; (capacity - 1) >>> shift != 0; shift += RADIX_BITS) {
            java.util.Arrays.fill(counts, 0);
            for (int i = 0; i < count; i++) {
                counts[(home(from[i] >>> 31) >>> shift) & RADIX_MASK]++;
            }
            for (int d = 0, sum = 0; d < counts.length; d++) {
                final int c = counts[d];
                counts[d] = sum;
                sum += c;
            }
            for (int i = 0; i < count; i++) {
                to[counts[(home(from[i] >>> 31) >>> shift) & RADIX_MASK]++] = from[i];
            }
            final long[] t = from;
            from = to;
            to = t;
        }
        return from;
    }

    /**
     * Maps {@code deviceBlock} to {@code block}; the device block must not be mapped yet.
     *
     * @throws IllegalStateException if it is.
     */
    public void map(final long deviceBlock, final int block) {
        final int key = (int) deviceBlock;
        int slot = home(deviceBlock);
        while (table[slot] != NONE) {
            if (keys[table[slot]] == key) {
                throw new IllegalStateException("device block " + deviceBlock + " already mapped to cache block "
                    + table[slot]);
            }
            slot = nextSlot(slot);
        }
        keys[block] = key;
        table[slot] = block;
        mapped++;
    }

    /** Removes the mapping of {@code block} (which must be mapped) and unlinks it from the write order. */
    public void unmap(final int block) {
        final long deviceBlock = keyOf(block);
        int slot = home(deviceBlock);
        while (table[slot] != block) {
            if (table[slot] == NONE) {
                throw new IllegalStateException("cache block " + block + " is not mapped");
            }
            slot = nextSlot(slot);
        }
        int hole = slot;
        for (int j = nextSlot(hole); table[j] != NONE; j = nextSlot(j)) {
            final int k = home(keyOf(table[j]));
            final boolean movable = hole <= j ? (k <= hole || k > j) : (k <= hole && k > j);
            if (movable) {
                table[hole] = table[j];
                hole = j;
            }
        }
        table[hole] = NONE;
        mapped--;
        if (isLinked(block)) {
            unlink(block);
        }
    }

    /** Puts {@code block} at the head (newest end) of the write order. */
    public void linkNewest(final int block) {
        prev[block] = NONE;
        next[block] = head;
        if (head != NONE) {
            prev[head] = block;
        } else {
            tail = block;
        }
        head = block;
        linked++;
    }

    /** Puts {@code block} at the tail (oldest end) of the write order. */
    public void linkOldest(final int block) {
        next[block] = NONE;
        prev[block] = tail;
        if (tail != NONE) {
            next[tail] = block;
        } else {
            head = block;
        }
        tail = block;
        linked++;
    }

    /** Removes {@code block} from the write order. */
    public void unlink(final int block) {
        final int p = prev[block];
        final int n = next[block];
        if (p == UNLINKED) {
            throw new IllegalStateException("cache block " + block + " is not in the write order");
        }
        if (p != NONE) {
            next[p] = n;
        } else {
            head = n;
        }
        if (n != NONE) {
            prev[n] = p;
        } else {
            tail = p;
        }
        prev[block] = UNLINKED;
        next[block] = UNLINKED;
        linked--;
    }

    /** @return whether {@code block} is in the write order. */
    public boolean isLinked(final int block) {
        return prev[block] != UNLINKED;
    }

    /** @return the oldest block in the write order, or -1. */
    public int oldest() {
        return tail;
    }

    /** @return the block written just after {@code block}, or -1. */
    public int newer(final int block) {
        return prev[block];
    }

    /** @return the number of blocks in the write order. */
    public int linked() {
        return linked;
    }
}
