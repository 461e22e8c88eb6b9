package org.writecache.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.OverlappingFileLockException;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.writecache.CorruptCacheException;
import org.writecache.TestFiles;
import org.writecache.WriteCache;
import org.writecache.WriteCacheConfig;

class WriteCacheFileChannelTest {
    private static final int BS = 4096;
    private static final long DEVICE = 4L << 20;

    @RegisterExtension
    final TestFiles files = new TestFiles();

    private WriteCacheConfig config() {
        return WriteCacheConfig.builder()
            .cacheFile(files.cacheFile()).cacheSize(1L << 20)
            .backingFile(files.backingFile()).backingSize(DEVICE)
            .build();
    }

    private static byte[] readAll(final FileChannel ch) throws IOException {
        final ByteBuffer dst = ByteBuffer.allocate((int) ch.size());
        while (dst.hasRemaining() && ch.read(dst, dst.position()) > 0) {
            // read until full
        }
        return dst.array();
    }

    @Test
    void randomPartialWritesSpansAndTruncatesMatchAModelAndSurviveReopen() throws IOException {
        final long seed = System.nanoTime();
        final Random rnd = new Random(seed);
        final String why = "seed " + seed;
        final WriteCacheConfig config = config();
        final byte[] model = new byte[(int) (DEVICE - BS)];
        int size = 0;
        try (WriteCache cache = WriteCache.format(config);
             WriteCacheFileChannel ch = WriteCacheFileChannel.open(cache, true)) {
            assertEquals(0, ch.size(), why);
            assertEquals(DEVICE - BS, ch.capacity(), why);
            for (int op = 0; op < 400; op++) {
                final int kind = rnd.nextInt(10);
                if (kind < 6) {
                    final int len = 1 + rnd.nextInt(3 * BS);
                    final int pos = rnd.nextInt(Math.min(model.length - len, size + 2 * BS));
                    final byte[] data = new byte[len];
                    rnd.nextBytes(data);
                    assertEquals(len, ch.write(ByteBuffer.wrap(data), pos), why);
                    if (pos > size) {
                        Arrays.fill(model, size, pos, (byte) 0);
                    }
                    System.arraycopy(data, 0, model, pos, len);
                    size = Math.max(size, pos + len);
                } else if (kind < 9) {
                    final int pos = rnd.nextInt(size + BS);
                    final int len = rnd.nextInt(3 * BS);
                    final ByteBuffer dst = ByteBuffer.allocate(len);
                    final int n = ch.read(dst, pos);
                    final int expected = pos >= size ? (len == 0 ? 0 : -1) : Math.min(len, size - pos);
                    assertEquals(expected, n, why + " op " + op + " read " + len + " at " + pos);
                    if (n > 0) {
                        assertArrayEquals(Arrays.copyOfRange(model, pos, pos + n),
                            Arrays.copyOf(dst.array(), n), why + " op " + op);
                    }
                } else {
                    final int newSize = rnd.nextInt(size + 1);
                    ch.truncate(newSize);
                    size = Math.min(size, newSize);
                }
                assertEquals(size, ch.size(), why + " op " + op);
            }
        }
        try (WriteCache cache = WriteCache.open(config);
             WriteCacheFileChannel ch = WriteCacheFileChannel.open(cache, true)) {
            assertEquals(size, ch.size(), why + ": size after reopen");
            assertArrayEquals(Arrays.copyOf(model, size), readAll(ch), why + ": contents after reopen");
        }
    }

    @Test
    void bytesBetweenTheOldEndAndAWritePastItReadAsZeros() throws IOException {
        try (WriteCache cache = WriteCache.format(config());
             WriteCacheFileChannel ch = WriteCacheFileChannel.open(cache, true)) {
            final byte[] ones = new byte[3 * BS];
            Arrays.fill(ones, (byte) 1);
            ch.write(ByteBuffer.wrap(ones), 0);
            ch.truncate(100);
            assertEquals(0, ch.write(ByteBuffer.allocate(0), 5 * BS), "an empty write does not extend the file");
            assertEquals(100, ch.size());
            ch.write(ByteBuffer.wrap(new byte[] {7}), 2 * BS + 5);
            final byte[] all = readAll(ch);
            assertEquals(2 * BS + 6, all.length);
            for (int i = 100; i < 2 * BS + 5; i++) {
                assertEquals(0, all[i], "byte " + i + " of the gap");
            }
            assertEquals(1, all[99]);
            assertEquals(7, all[2 * BS + 5]);
        }
    }

    @Test
    void concurrentWritersToOneBlockKeepEachOthersBytes() throws Exception {
        final int threads = 4;
        try (WriteCache cache = WriteCache.format(config());
             WriteCacheFileChannel ch = WriteCacheFileChannel.open(cache, true)) {
            ch.write(ByteBuffer.allocate(BS), 0);
            final CountDownLatch start = new CountDownLatch(1);
            final Thread[] workers = new Thread[threads];
            final Throwable[] failure = new Throwable[1];
            for (int t = 0; t < threads; t++) {
                final int id = t;
                workers[t] = Thread.ofPlatform().start(() -> {
                    try {
                        start.await();
                        for (int i = id; i < BS; i += threads) {
                            ch.write(ByteBuffer.wrap(new byte[] {(byte) (id + 1)}), i);
                        }
                    } catch (final Throwable e) {
                        synchronized (failure) {
                            failure[0] = e;
                        }
                    }
                });
            }
            start.countDown();
            for (final Thread w : workers) {
                w.join();
            }
            synchronized (failure) {
                if (failure[0] != null) {
                    throw new AssertionError(failure[0]);
                }
            }
            final byte[] all = readAll(ch);
            for (int i = 0; i < BS; i++) {
                assertEquals((byte) (i % threads + 1), all[i], "byte " + i);
            }
        }
    }

    @Test
    void relativeIoTransfersAndPosition() throws IOException {
        try (WriteCache cache = WriteCache.format(config());
             WriteCacheFileChannel ch = WriteCacheFileChannel.open(cache, true)) {
            final byte[] data = new byte[3 * BS + 17];
            new Random(42).nextBytes(data);
            assertEquals(data.length, ch.transferFrom(Channels.newChannel(new ByteArrayInputStream(data)), 0,
                data.length + 100));
            assertEquals(0, ch.transferFrom(Channels.newChannel(new ByteArrayInputStream(data)), data.length + 1, 5),
                "transferFrom past the end transfers nothing");
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertEquals(data.length - 10, ch.transferTo(10, Long.MAX_VALUE, Channels.newChannel(out)));
            assertArrayEquals(Arrays.copyOfRange(data, 10, data.length), out.toByteArray());

            ch.position(BS - 3);
            final ByteBuffer a = ByteBuffer.allocate(5);
            final ByteBuffer b = ByteBuffer.allocate(7);
            assertEquals(12, ch.read(new ByteBuffer[] {a, b}));
            assertEquals(BS + 9, ch.position());
            assertArrayEquals(Arrays.copyOfRange(data, BS - 3, BS + 2), a.array());
            ch.position(data.length);
            ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            assertEquals(data.length + 3, ch.size());
            assertEquals(-1, ch.read(ByteBuffer.allocate(1)));
            ch.truncate(5);
            assertEquals(5, ch.position(), "truncate moves the position back");
        }
    }

    @Test
    void locksOverlapAndRelease() throws IOException {
        try (WriteCache cache = WriteCache.format(config())) {
            final WriteCacheFileChannel ch = WriteCacheFileChannel.open(cache, true);
            final FileLock whole = ch.tryLock();
            assertTrue(whole.isValid());
            assertThrows(OverlappingFileLockException.class, () -> ch.tryLock(10, 10, true));
            whole.release();
            assertFalse(whole.isValid());
            final FileLock first = ch.lock(0, 100, false);
            final FileLock second = ch.lock(100, 100, true);
            assertTrue(second.isShared());
            ch.close();
            assertFalse(first.isValid(), "closing the channel releases its locks");
            assertFalse(second.isValid());
        }
    }

    @Test
    void closedReadOnlyAndOutOfRangeUseGiveClearErrors() throws IOException {
        try (WriteCache cache = WriteCache.format(config())) {
            final WriteCacheFileChannel ch = WriteCacheFileChannel.open(cache, true);
            assertThrows(IllegalArgumentException.class, () -> ch.read(ByteBuffer.allocate(1), -1));
            assertThrows(IllegalArgumentException.class, () -> ch.write(ByteBuffer.allocate(1), -5));
            assertThrows(IllegalArgumentException.class, () -> ch.position(-1));
            final IOException full = assertThrows(IOException.class,
                () -> ch.write(ByteBuffer.allocate(2), ch.capacity() - 1));
            assertTrue(full.getMessage().contains("capacity"), full.getMessage());
            final UnsupportedOperationException map = assertThrows(UnsupportedOperationException.class,
                () -> ch.map(FileChannel.MapMode.READ_WRITE, 0, 10));
            assertTrue(map.getMessage().contains("memory-mapped"), map.getMessage());
            ch.close();
            assertThrows(ClosedChannelException.class, () -> ch.read(ByteBuffer.allocate(1), 0));
            assertThrows(ClosedChannelException.class, () -> ch.write(ByteBuffer.allocate(1), 0));
            assertThrows(ClosedChannelException.class, ch::size);
            assertThrows(ClosedChannelException.class, ch::position);
            assertThrows(ClosedChannelException.class, () -> ch.truncate(0));
            assertThrows(ClosedChannelException.class, () -> ch.force(true));
            assertThrows(ClosedChannelException.class, ch::tryLock);

            final WriteCacheFileChannel ro = WriteCacheFileChannel.open(cache, false);
            assertThrows(NonWritableChannelException.class, () -> ro.write(ByteBuffer.allocate(1), 0));
            assertThrows(NonWritableChannelException.class, () -> ro.truncate(0));
            ro.close();
        }
    }

    @Test
    void aDeviceWhoseFirstBlockIsNotAHeaderIsRejected() throws IOException {
        try (WriteCache cache = WriteCache.format(config())) {
            final byte[] junk = new byte[BS];
            Arrays.fill(junk, (byte) 0x5A);
            cache.write(0, ByteBuffer.wrap(junk), true);
            final CorruptCacheException e =
                assertThrows(CorruptCacheException.class, () -> WriteCacheFileChannel.open(cache, true));
            assertTrue(e.getMessage().contains("magic"), e.getMessage());
        }
    }

    @Test
    void aHeaderWithAFlippedBitFailsItsChecksum() throws IOException {
        try (WriteCache cache = WriteCache.format(config())) {
            WriteCacheFileChannel.open(cache, true).write(ByteBuffer.allocate(10), 0);
            final ByteBuffer header = ByteBuffer.allocate(BS);
            cache.read(0, header);
            header.put(ChannelHeader.SIZE_OFFSET, (byte) (header.get(ChannelHeader.SIZE_OFFSET) ^ 4));
            header.clear();
            cache.write(0, header, true);
            final CorruptCacheException e =
                assertThrows(CorruptCacheException.class, () -> WriteCacheFileChannel.open(cache, true));
            assertTrue(e.getMessage().contains("checksum"), e.getMessage());
        }
    }
}
