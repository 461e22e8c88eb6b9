package org.writecache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.writecache.fault.DelayingBlockDevice;
import org.writecache.fault.DeviceOperation;
import org.writecache.fault.Sleeper;
import org.writecache.format.CacheLayout;
import org.writecache.freelist.Parker;
import org.writecache.freelist.WaitStats;
import org.writecache.pmem.HeapPersistentMemory;
import org.writecache.stats.CountersFile;

/**
 * Many writers through the real write path of a small cache in front of a slow device, with the background writeback
 * thread: writes of one to several blocks over a key space twice the cache, so a writer's need shrinks (another writer
 * cached its block uncommitted, it overwrites in place) or grows (an autocommit or a FUA write committed that block
 * while it waited) between its lookup and its wake-up. Every writer must finish (no hang), and the freelist must never
 * have been stranded. CI runs {@value #CI_WRITES} writes per writer; {@code -Dwritecache.stress.writes=N} runs longer.
 */
class WriteStressTest {
    private static final int CI_WRITES = 40;
    private static final int WRITES = Integer.getInteger("writecache.stress.writes", CI_WRITES);
    private static final long PATIENCE_MILLIS = 120_000;
    private static final int BS = 512;

    @RegisterExtension
    final TestFiles files = new TestFiles();

    static Stream<Arguments> runs() {
        final List<Arguments> a = new ArrayList<>();
        for (final WaitPolicy p : List.of(WaitPolicy.EXCLUSIVE, WaitPolicy.WAKE_ALL, WaitPolicy.DIRECT)) {
            a.add(Arguments.of(p, 1, 8));
            a.add(Arguments.of(p, 16, 16));
            a.add(Arguments.of(p, 64, 32));
            a.add(Arguments.of(p, 256, 64));
        }
        return a.stream();
    }

    @ParameterizedTest(name = "{0}, {1} writers, {2} blocks")
    @MethodSource("runs")
    void everyWriterFinishesAndNoWaiterIsStranded(final WaitPolicy policy, final int writers, final int blocks)
        throws Exception {
        final Path cacheFile = files.cacheFile();
        final WriteCacheConfig cfg = WriteCacheConfig.builder()
            .cacheFile(cacheFile).cacheSize(CacheLayout.dataOffset(blocks, BS) + (long) blocks * BS).blockSize(BS)
            .backingSize(1 << 20).prefault(false).autocommitBlocks(4).autocommitTime(Duration.ofMillis(5))
            .waitPolicy(policy).build();
        final DelayingBlockDevice device = new DelayingBlockDevice(new MemoryDevice(1 << 20), Sleeper.THREAD)
            .delaying(DeviceOperation.WRITE, Duration.ofNanos(50_000))
            .delaying(DeviceOperation.SYNC, Duration.ofNanos(200_000));
        final long seed = System.nanoTime();
        final String ctx = policy + ", " + writers + " writers, " + blocks + " blocks, seed " + seed;
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        try (WriteCache cache = WriteCache.start(cfg, new HeapPersistentMemory(cfg.cacheSize()), device, true,
            Parker.LOCK_SUPPORT)) {
            final int chunk = Math.max(1, Math.min(32, blocks / 4));
            final long keys = 2L * blocks;
            final List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                final SplittableRandom random = new SplittableRandom(seed + i);
                threads.add(Thread.ofPlatform().daemon().name("writer-" + i).start(() -> {
                    try {
                        for (int op = 0; op < WRITES; op++) {
                            final int count = 1 + random.nextInt(Math.min(chunk, 8));
                            final long first = random.nextLong(keys - count + 1);
                            cache.write(first * BS, CacheWorld.data(count, op), random.nextInt(16) == 0);
                        }
                    } catch (final Throwable t) {
                        failure.compareAndSet(null, t);
                    }
                }));
            }
            final long end = System.currentTimeMillis() + PATIENCE_MILLIS;
            for (final Thread t : threads) {
                t.join(Math.max(1, end - System.currentTimeMillis()));
                if (t.isAlive()) {
                    fail(ctx + ": " + t.getName() + " never finished: a hang; " + cache.waitStats() + "; "
                        + cache.status());
                }
            }
            if (failure.get() != null) {
                throw new AssertionError(ctx + ": " + failure.get(), failure.get());
            }
            final WaitStats stats = cache.waitStats();
            assertTrue(cache.status().writesBlockedOnFreelist() > 0, ctx + ": writers must wait: " + cache.status());
            assertEquals(0, stats.blips(), ctx + ": never stranded: " + stats);
            assertEquals(0, stats.strandedNanos(), ctx + ": " + stats);
            assertEquals(0, cache.status().error(), ctx + ": " + cache.status());
        } finally {
            Files.deleteIfExists(CountersFile.pathFor(cacheFile));
        }
    }
}
