package org.writecache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.writecache.freelist.WaitStats;
import org.writecache.pmem.MappedPersistentMemory;

/**
 * The seed scenario, deterministic, through the real write path: on a full cache two writers wait for the same
 * committed device block X and a third for block Y. One free wakes writer 1, which takes the block for X. A second
 * free wakes writer 2, which finds X cached and uncommitted, overwrites it in place and consumes nothing. Under swait
 * writer 3 is then stuck next to a free block, every time; under every other policy it completes.
 */
class FreelistWakeupTest {
    private static final int BS = 4096;
    private static final long X = 0;

    @RegisterExtension
    final TestFiles files = new TestFiles();

    @ParameterizedTest
    @EnumSource(WaitPolicy.class)
    void wokenWriterThatNeedsNothingMustPassTheWakeupOn(final WaitPolicy policy) throws Exception {
        final WriteCacheConfig cfg = WriteCacheConfig.builder()
            .cacheFile(files.cacheFile()).cacheSize(24 * (BS + 64) + 2 * BS)
            .backingFile(files.backingFile()).backingSize(1L << 20)
            .background(false).autocommitBlocks(1_000_000).autocommitTime(Duration.ofHours(1))
            .waitPolicy(policy).build();
        final RecordingParker parker = new RecordingParker();
        final Map<Thread, Throwable> failures = new ConcurrentHashMap<>();
        final List<Thread> started = new java.util.ArrayList<>();
        try (WriteCache cache = WriteCache.start(cfg,
            MappedPersistentMemory.create(cfg.cacheFile(), cfg.cacheSize(), cfg.flushPolicy(), false),
            FileBlockDevice.create(cfg.backingFile(), cfg.backingSize(), null), true, parker)) {
            final int n = cache.cacheBlocks();
            for (int i = 0; i < n; i++) {
                cache.write((long) i * BS, ByteBuffer.wrap(WriteCacheTest.block(i)), false);
            }
            cache.flush();
            assertEquals(0, cache.status().freeBlocks(), "the cache must start full");
            final long y = n + 5;

            final Thread w1 = writer(cache, X, 101, parker, failures);
            parker.awaitParked(w1);
            final Thread w2 = writer(cache, X, 102, parker, failures);
            parker.awaitParked(w2);
            final Thread w3 = writer(cache, y, 103, parker, failures);
            parker.awaitParked(w3);
            final List<Thread> writers = List.of(w1, w2, w3);
            started.addAll(writers);

            cache.discard(1L * BS, BS);
            parker.awaitQuiescent(writers);
            cache.discard(2L * BS, BS);
            parker.awaitQuiescent(writers);

            final WaitStats stats = cache.waitStats();
            assertTrue(cache.status().writeHitsUncommitted() >= 1, "a woken writer overwrote X in place");
            if (policy == WaitPolicy.SWAIT) {
                assertTrue(parker.isDone(w1) && parker.isDone(w2), "writers 1 and 2 finish");
                assertTrue(parker.isStuck(w3), "swait: writer 3 is stuck");
                assertEquals(1, cache.status().freeBlocks(), "swait: a free block sits idle next to writer 3");
                assertEquals(1, stats.blips(), "swait: the stranded interval is seen: " + stats);
                assertEquals(1, stats.waiting(), stats.toString());
            } else {
                for (final Thread w : writers) {
                    w.join(10_000);
                    assertFalse(w.isAlive(), policy + ": " + w.getName() + " must finish");
                    assertNull(failures.get(w), policy + ": " + w.getName() + " failed");
                }
                assertEquals(0, cache.status().freeBlocks(), policy + ": the freed blocks were used");
                assertEquals(0, stats.blips(), policy + ": never stranded: " + stats);
                assertEquals(0, stats.strandedNanos(), stats.toString());
                assertArrayEquals(WriteCacheTest.block(103), WriteCacheTest.read(cache, y * BS, BS));
            }
        }
        for (final Thread w : started) {
            w.join(10_000);
            assertFalse(w.isAlive(), policy + ": " + w.getName() + " must end once the cache is closed");
        }
        if (policy == WaitPolicy.SWAIT) {
            for (final Map.Entry<Thread, Throwable> e : failures.entrySet()) {
                assertInstanceOf(WriteCacheException.class, e.getValue(), "writer 3 ends when the cache closes");
            }
            assertEquals(1, failures.size(), "only writer 3 was still waiting at close: " + failures);
        }
    }

    private static Thread writer(final WriteCache cache, final long deviceBlock, final int seed,
                                 final RecordingParker parker, final Map<Thread, Throwable> failures) {
        return Thread.ofPlatform().name("writer-" + seed).start(() -> {
            try {
                cache.write(deviceBlock * BS, ByteBuffer.wrap(WriteCacheTest.block(seed)), false);
            } catch (final Throwable t) {
                failures.put(Thread.currentThread(), t);
            } finally {
                parker.finished(Thread.currentThread());
            }
        });
    }
}
