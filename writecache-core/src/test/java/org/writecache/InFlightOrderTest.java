package org.writecache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.writecache.pmem.FlushPolicy;
import org.writecache.pmem.MappedPersistentMemory;
import org.writecache.writeback.WritebackPipeline;

/**
 * Two versions of one device block are never in flight together: while an older version's backing write is held,
 * a newer version (written back by a second flush, or written around the cache in cleaner mode) waits, and the newer
 * one ends up on the backing file.
 */
class InFlightOrderTest {
    private static final int BS = 4096;
    private static final long X = 3L * BS;

    @RegisterExtension
    final TestFiles files = new TestFiles();

    /** Holds the first write of offset X until released; records two writes of one offset at once. */
    private static final class HoldingDevice implements BlockDevice {
        private final BlockDevice inner;
        private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();
        final CountDownLatch held = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicReference<String> overlap = new AtomicReference<>();
        private boolean holding = true;

        HoldingDevice(final BlockDevice inner) {
            this.inner = inner;
        }

        @Override
        public long size() {
            return inner.size();
        }

        @Override
        public void read(final long offset, final ByteBuffer dst) throws IOException {
            inner.read(offset, dst);
        }

        @Override
        public void write(final long offset, final ByteBuffer src) throws IOException {
            final long end = offset + src.remaining();
            for (long o = offset; o < end; o += BS) {
                if (!inFlight.add(o)) {
                    overlap.compareAndSet(null, "two writes of offset " + o + " in flight together");
                }
            }
            try {
                final boolean hold;
                synchronized (this) {
                    hold = holding && offset <= X && X < end;
                    holding &= !hold;
                }
                if (hold) {
                    held.countDown();
                    release.await();
                }
                inner.write(offset, src);
            } catch (final InterruptedException e) {
                throw new IOException(e);
            } finally {
                for (long o = offset; o < end; o += BS) {
                    inFlight.remove(o);
                }
            }
        }

        @Override
        public void sync() throws IOException {
            inner.sync();
        }

        @Override
        public String describe() {
            return "holding " + inner.describe();
        }

        @Override
        public void close() throws IOException {
            inner.close();
        }
    }

    private static void awaitBlocked(final Thread t) {
        while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.BLOCKED && t.isAlive()) {
            Thread.onSpinWait();
        }
    }

    @ParameterizedTest
    @MethodSource("org.writecache.Pipelines#available")
    void aNewerVersionWaitsForTheOlderOneInFlight(final WritebackPipeline.Kind kind) throws Exception {
        run(kind, false);
    }

    @ParameterizedTest
    @MethodSource("org.writecache.Pipelines#available")
    void aWriteAroundWaitsForTheOlderVersionInFlight(final WritebackPipeline.Kind kind) throws Exception {
        run(kind, true);
    }

    private void run(final WritebackPipeline.Kind kind, final boolean cleaner) throws Exception {
        final WriteCacheConfig cfg = WriteCacheConfig.builder().cacheFile(files.cacheFile()).cacheSize(1 << 20)
            .backingFile(files.backingFile()).backingSize(4L << 20).background(false).writebackPipeline(kind).build();
        final HoldingDevice device = new HoldingDevice(FileBlockDevice.create(cfg.backingFile(), cfg.backingSize(), null));
        try (WriteCache c = WriteCache.format(cfg,
            MappedPersistentMemory.create(cfg.cacheFile(), cfg.cacheSize(), FlushPolicy.AUTO, false), device)) {
            c.write(X, ByteBuffer.wrap(WriteCacheTest.block(1)), true);
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final Thread first = Thread.ofPlatform().start(() -> {
                try {
                    c.writeback();
                } catch (final Throwable e) {
                    failure.set(e);
                }
            });
            device.held.await();
            if (cleaner) {
                c.cleaner(true);
            } else {
                c.write(X, ByteBuffer.wrap(WriteCacheTest.block(2)), true);
            }
            final Thread second = Thread.ofPlatform().start(() -> {
                try {
                    if (cleaner) {
                        c.write(X, ByteBuffer.wrap(WriteCacheTest.block(2)), true);
                    } else {
                        c.writeback();
                    }
                } catch (final Throwable e) {
                    failure.set(e);
                }
            });
            awaitBlocked(second);
            device.release.countDown();
            first.join();
            second.join();
            assertNull(failure.get(), () -> kind + ": " + failure.get());
            assertNull(device.overlap.get(), kind + ": " + device.overlap.get());
            c.writeback();
            assertEquals(0, c.status().dirtyBlocks(), kind + " cleaner=" + cleaner + "\n" + c.status().toReport());
            assertArrayEquals(WriteCacheTest.block(2), WriteCacheTest.read(c, X, BS));
        }
        try (FileChannel ch = FileChannel.open(cfg.backingFile(), StandardOpenOption.READ)) {
            final ByteBuffer b = ByteBuffer.allocate(BS);
            ch.read(b, X);
            assertArrayEquals(WriteCacheTest.block(2), b.array(), kind + ": the newer version is on the backing file");
        }
    }
}
