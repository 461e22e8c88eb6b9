package org.writecache.freelist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

/**
 * The lock-free stack under real contention: threads pop and push batches of blocks as fast as they can; a block is
 * never held by two threads at once, and at the end every block is on the stack exactly once. And the waiting flag:
 * respected, it stops pushes (and pops when asked) without changing the stack.
 */
class BlockStackTest {
    private static final int CAPACITY = 16;
    private static final int THREADS = 4;
    private static final int ROUNDS = 100_000;

    @Test
    void concurrentPopsAndPushesNeitherLoseNorDuplicateBlocks() throws Exception {
        final BlockStack stack = new BlockStack(CAPACITY);
        for (int b = 0; b < CAPACITY; b++) {
            assertTrue(stack.push(b, true));
        }
        final AtomicIntegerArray owner = new AtomicIntegerArray(CAPACITY);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final List<Thread> threads = new ArrayList<>();
        for (int t = 1; t <= THREADS; t++) {
            final int me = t;
            threads.add(Thread.ofPlatform().start(() -> {
                final SplittableRandom random = new SplittableRandom(me);
                final int[] out = new int[3];
                try {
                    for (int r = 0; r < ROUNDS; r++) {
                        final int n = 1 + random.nextInt(3);
                        if (stack.pop(n, out, false) != BlockStack.TAKEN) {
                            continue;
                        }
                        for (int i = 0; i < n; i++) {
                            if (!owner.compareAndSet(out[i], 0, me)) {
                                throw new AssertionError("block " + out[i] + " popped while held by " + owner.get(out[i]));
                            }
                        }
                        for (int i = 0; i < n; i++) {
                            owner.set(out[i], 0);
                        }
                        if (n == 1) {
                            stack.push(out[0], false);
                        } else {
                            stack.push(out, n, false);
                        }
                    }
                } catch (final Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        for (final Thread t : threads) {
            t.join();
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        assertEquals(CAPACITY, stack.size());
        final BitSet seen = new BitSet();
        stack.forEach(b -> {
            assertFalse(seen.get(b), "block " + b + " twice");
            seen.set(b);
        });
        assertEquals(CAPACITY, seen.cardinality());
    }

    @Test
    void theWaitingFlagStopsWhatRespectsIt() {
        final BlockStack stack = new BlockStack(4);
        stack.push(new int[] {0, 1}, 2, true);
        stack.setWaiting(true);
        final int[] out = new int[2];
        assertFalse(stack.push(2, true), "a push that respects the flag goes to the lock");
        assertEquals(BlockStack.WAITERS, stack.pop(1, out, true));
        assertEquals(BlockStack.TAKEN, stack.pop(1, out, false), "a barging pop ignores it");
        assertEquals(1, out[0]);
        assertEquals(BlockStack.SHORT, stack.pop(2, out, false));
        stack.setWaiting(false);
        assertTrue(stack.push(2, true));
        assertEquals(BlockStack.TAKEN, stack.pop(2, out, true));
        assertEquals(2, out[0]);
        assertEquals(0, out[1]);
        assertEquals(0, stack.size());
    }
}
