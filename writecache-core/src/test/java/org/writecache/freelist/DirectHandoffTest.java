package org.writecache.freelist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.writecache.WaitPolicy;

/**
 * The direct hand-off's fairness choice, single-threaded: strict FIFO, so a writer needing several blocks at the head
 * collects them one by one and a smaller request behind it waits (head-of-line), and no newcomer can take a freed
 * block from under a waiter. Surplus blocks of a waiter that stops waiting go to the next one.
 */
class DirectHandoffTest {
    private final List<Waiter> unparked = new ArrayList<>();
    private final Parker recording = new Parker() {
        @Override
        public void park(final Waiter waiter, final long timeoutNanos) {
            throw new AssertionError("the test never parks");
        }

        @Override
        public void unpark(final Waiter waiter) {
            unparked.add(waiter);
        }
    };

    @Test
    void largeRequestAtTheHeadIsServedFirstAndNewcomersCannotBarge() {
        final FreeList list = new FreeList(8, WaitPolicy.DIRECT, recording, () -> 0L);
        final int[] out3 = new int[3];
        final int[] out1 = new int[1];
        final Waiter big = new Waiter(Thread.currentThread());
        final Waiter small = new Waiter(Thread.currentThread());
        assertFalse(list.allocate(3, big, out3));
        assertFalse(list.allocate(1, small, out1));
        list.release(0);
        list.release(1);
        assertTrue(unparked.isEmpty(), "nobody is woken before the head's whole need is granted");
        assertFalse(list.tryAllocate(1, out1), "a newcomer finds nothing: freed blocks went into the head's hand");
        list.release(2);
        assertEquals(List.of(big), unparked, "the head is woken with all three blocks");
        list.release(3);
        assertEquals(List.of(big, small), unparked, "the next free goes to the small request");
        assertTrue(list.allocate(3, big, out3));
        assertTrue(list.allocate(1, small, out1));
        assertEquals(0, list.available());
        assertEquals(0, list.waiters());
    }

    @Test
    void blocksOfAWaiterThatGivesUpGoToTheNextWaiter() {
        final FreeList list = new FreeList(8, WaitPolicy.DIRECT, recording, () -> 0L);
        final int[] out = new int[2];
        final Waiter first = new Waiter(Thread.currentThread());
        final Waiter second = new Waiter(Thread.currentThread());
        assertFalse(list.allocate(2, first, out));
        assertFalse(list.allocate(1, second, out));
        list.release(5);
        list.endWait(first);
        assertEquals(List.of(second), unparked, "the cancelled head's granted block passed to the next waiter");
        assertTrue(list.allocate(1, second, out));
        assertEquals(5, out[0]);
        assertEquals(0, list.available());
    }
}
