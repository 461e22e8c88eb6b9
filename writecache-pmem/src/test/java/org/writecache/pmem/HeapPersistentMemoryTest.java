package org.writecache.pmem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link HeapPersistentMemory}: the contract, plus snapshots and copies. */
class HeapPersistentMemoryTest extends PersistentMemoryContractTest {

    @Override
    PersistentMemory create(final long size) {
        return new HeapPersistentMemory(size);
    }

    @Test
    void copyConstructsFromASnapshotWithoutSharingIt() {
        final byte[] image = new byte[1000];
        image[999] = 9;
        final HeapPersistentMemory heap = new HeapPersistentMemory(image);
        image[999] = 1;
        assertEquals(1000, heap.size());
        assertEquals(9, heap.toByteArray()[999]);
        heap.putInt(0, -1);
        assertEquals(0, image[0]);
    }

    @Test
    void copyIsIndependentAndMismatchFindsTheFirstDifference() {
        final HeapPersistentMemory heap = new HeapPersistentMemory(777);
        heap.putLong(700, 42);
        final HeapPersistentMemory copy = heap.copy();
        assertEquals(-1, heap.mismatch(copy));
        copy.putInt(703, 1);
        assertEquals(703, heap.mismatch(copy));
        assertEquals(42, heap.getLong(700));
        assertEquals(777, heap.toByteArray().length);
    }

    @Test
    void rejectsSizesItCannotHoldNamingThem() {
        final IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> new HeapPersistentMemory(0));
        assertTrue(zero.getMessage().contains(": 0"), zero.getMessage());
        final long tooBig = HeapPersistentMemory.MAX_SIZE + 1;
        final IllegalArgumentException big =
            assertThrows(IllegalArgumentException.class, () -> new HeapPersistentMemory(tooBig));
        assertTrue(big.getMessage().contains(Long.toString(tooBig)), big.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new HeapPersistentMemory(new byte[0]));
    }
}
