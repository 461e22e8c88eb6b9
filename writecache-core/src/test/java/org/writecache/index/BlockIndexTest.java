package org.writecache.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The bulk load recovery uses ({@link BlockIndex#mapAll}) builds an index that answers like one built by
 * {@link BlockIndex#map}, keeps the right one of each duplicate, and stays correct under later maps and unmaps.
 */
class BlockIndexTest {
    @Test
    void aBulkLoadAnswersEveryLookupAndSurvivesLaterChanges() {
        final Random r = new Random(11);
        for (final int blocks : new int[] {1, 2, 7, 100, 5000, 100_000}) {
            for (final double fill : new double[] {0.3, 1.0}) {
                final BlockIndex index = new BlockIndex(blocks);
                final Map<Long, Integer> expected = new HashMap<>();
                final Map<Long, List<Integer>> holders = new HashMap<>();
                final long[] entries = new long[blocks];
                int count = 0;
                // clustered device blocks, duplicates and the largest device block: slots collide and wrap around
                final long span = Math.max(2, blocks / 2);
                for (int b = 0; b < blocks; b++) {
                    if (r.nextDouble() < fill) {
                        final long d = r.nextInt(8) == 0 ? 0xFFFF_FFFEL - r.nextInt(3) : r.nextLong(span);
                        entries[count++] = d << 31 | b;
                        holders.computeIfAbsent(d, k -> new ArrayList<>()).add(b);
                    }
                }
                // the highest cache block of a device block wins, as a higher seq does in recovery
                index.mapAll(entries, count, (first, second) -> {
                    assertEquals(index.keyOf(first), index.keyOf(second), "only duplicates are compared");
                    return Math.max(first, second);
                });
                holders.forEach((d, bs) -> expected.put(d, bs.stream().mapToInt(Integer::intValue).max().orElseThrow()));
                final String what = blocks + " blocks, fill " + fill;
                assertEquals(expected.size(), index.mapped(), what);
                expected.forEach((d, b) -> assertEquals((int) b, index.get(d), what + ": device block " + d));
                assertEquals(-1, index.get(span + 7), what);
                // unmap half (backward shift over a bulk-loaded table), then look everything up again
                final List<Long> keys = new ArrayList<>(expected.keySet());
                for (int i = 0; i < keys.size(); i += 2) {
                    index.unmap(expected.remove(keys.get(i)));
                }
                expected.forEach((d, b) -> assertEquals((int) b, index.get(d), what + " after unmaps: " + d));
                for (int i = 0; i < keys.size(); i += 2) {
                    assertEquals(-1, index.get(keys.get(i)), what);
                }
            }
        }
    }

    @Test
    void aBulkLoadNeedsAnEmptyIndex() {
        final BlockIndex index = new BlockIndex(4);
        index.map(3, 0);
        assertThrows(IllegalStateException.class, () -> index.mapAll(new long[] {5L << 31 | 1}, 1, (a, b) -> a));
    }
}
