package org.writecache;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;

import org.writecache.format.CacheLayout;
import org.writecache.freelist.Conductor;
import org.writecache.freelist.FreeList;
import org.writecache.freelist.FreeListProbe;
import org.writecache.pmem.HeapPersistentMemory;

/**
 * One run's world for exploring the engine's wait protocol: a real {@link WriteCache} (heap memory, a memory device,
 * no background thread, the explorer's parker and clock) with writers as actors and commits, writebacks, discards and
 * close as environment steps, all through the public API. The checks reach the engine's freelist and block states by
 * reflection, so the engine keeps no test hooks.
 */
final class CacheWorld {
    static final int BS = 512;

    final WriteCache cache;
    final FreeList list;
    private final Conductor conductor;
    private final byte[] states;
    private final int blocks;
    private boolean closed;

    /**
     * @param planted a known bug to plant into the engine's freelist, or null.
     * @param timeout how long a write may wait (0: forever).
     */
    CacheWorld(final Conductor conductor, final Path cacheFile, final int blocks, final WaitPolicy policy,
               final FreeListProbe.Planted planted, final Duration timeout) throws IOException {
        this.conductor = conductor;
        this.blocks = blocks;
        final WriteCacheConfig cfg = WriteCacheConfig.builder()
            .cacheFile(cacheFile).cacheSize(CacheLayout.dataOffset(blocks, BS) + (long) blocks * BS).blockSize(BS)
            .backingSize(1 << 20).background(false).prefault(false)
            .autocommitBlocks(1_000_000).autocommitTime(Duration.ofHours(1))
            .highWatermark(0).lowWatermark(0).writeTimeout(timeout)
            .waitPolicy(policy).clock(conductor).build();
        cache = WriteCache.start(cfg, new HeapPersistentMemory(cfg.cacheSize()), new MemoryDevice(1 << 20), true,
            conductor);
        if (cache.cacheBlocks() != blocks) {
            throw new IllegalStateException(cache.cacheBlocks() + " blocks, wanted " + blocks);
        }
        final Object engine = read(WriteCache.class, "engine", cache);
        list = (FreeList) read(CacheEngine.class, "freeList", engine);
        states = (byte[]) read(CacheEngine.class, "state", engine);
        if (planted != null) {
            FreeListProbe.plant(list, planted);
        }
    }

    private static Object read(final Class<?> c, final String name, final Object from) {
        try {
            final Field f = c.getDeclaredField(name);
            f.setAccessible(true);
            return f.get(from);
        } catch (final ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes device blocks before the run (the cache has room); {@code commit} commits them. */
    void fill(final boolean commit, final long... deviceBlocks) throws IOException {
        for (final long d : deviceBlocks) {
            cache.write(d * BS, data(1, (int) d), false);
        }
        if (commit) {
            cache.flush();
        }
    }

    /** Adds a writer of {@code count} device blocks from {@code first}. */
    void writer(final String name, final long first, final int count) {
        conductor.actor(name, () -> {
            try {
                cache.write(first * BS, data(count, name.hashCode()), false);
            } catch (final WriteCacheException | InterruptedIOException e) {
                // Timed out, interrupted, or the cache closed: ends the write, as it would an application's.
                Thread.interrupted();
            }
        });
    }

    /** Offers a commit ({@code flush}) as an environment step. */
    void commits(final int budget) {
        conductor.step("commit", budget, () -> !closed, () -> io(() -> {
            cache.flush();
            return 0;
        }));
    }

    /** Offers background work ({@code doWork}: commit by age, write back everything dirty) as a step. */
    void writebacks(final int budget) {
        conductor.step("writeback", budget, () -> !closed, () -> io(cache::doWork));
    }

    /** Offers the discard of {@code count} device blocks from {@code first}, in one call, as a step. */
    void discard(final long first, final int count) {
        conductor.step("discard " + first + (count > 1 ? ".." + (first + count - 1) : ""), 1, () -> !closed,
            () -> io(() -> {
                cache.discard(first * BS, (long) count * BS);
                return 0;
            }));
    }

    /** Offers close as a step. */
    void closes() {
        conductor.step("close", 1, () -> !closed, this::close);
    }

    /** The quiescent checks: no lost wakeup, no idle hand, and every block free in the freelist or used, once. */
    void check() {
        FreeListProbe.checkParked(list);
        final BitSet inList = new BitSet(blocks);
        FreeListProbe.checkAccounting(list, blocks, each -> {
            for (int b = 0; b < blocks; b++) {
                if (states[b] != BlockState.FREE) {
                    each.accept(b);
                }
            }
        });
        FreeListProbe.forEachFree(list, inList::set);
        for (int b = 0; b < blocks; b++) {
            if (inList.get(b) != (states[b] == BlockState.FREE)) {
                throw new AssertionError("block " + b + " in state " + states[b] + " is "
                    + (inList.get(b) ? "" : "not ") + "in the freelist");
            }
        }
    }

    /** After the explored steps: commit and write back until every writer finished, none may hang; then close. */
    void finish() throws Exception {
        final List<Conductor.Actor> stuck = conductor.settle(() -> {
            if (closed) {
                return false;
            }
            io(() -> {
                cache.flush();
                return 0;
            });
            return io(cache::doWork) > 0;
        });
        if (!stuck.isEmpty()) {
            throw new AssertionError("hang: " + stuck + " still parked after writeback freed everything ("
                + FreeListProbe.describe(list) + ", " + cache.status().freeBlocks() + " free)");
        }
        if (!closed) {
            check();
        }
        close();
        conductor.settle(() -> false);
        for (final Conductor.Actor a : conductor.actors()) {
            if (!a.done() || a.failure() != null) {
                throw new AssertionError(a + (a.done() ? " failed: " + a.failure() : " never ended"), a.failure());
            }
        }
    }

    private void close() {
        if (!closed) {
            closed = true;
            io(() -> {
                cache.close();
                return 0;
            });
        }
    }

    private interface Io {
        Object run() throws IOException;
    }

    private static int io(final Io step) {
        try {
            final Object r = step.run();
            return r instanceof Integer i ? i : 0;
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ByteBuffer data(final int count, final int seed) {
        final byte[] b = new byte[count * BS];
        java.util.Arrays.fill(b, (byte) seed);
        return ByteBuffer.wrap(b);
    }
}
