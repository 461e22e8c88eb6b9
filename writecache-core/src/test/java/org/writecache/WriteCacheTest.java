package org.writecache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class WriteCacheTest {
    @RegisterExtension
    final TestFiles files = new TestFiles();

    private static final int BS = 4096;

    private WriteCacheConfig.Builder config(final long cacheSize) {
        return WriteCacheConfig.builder()
            .cacheFile(files.cacheFile()).cacheSize(cacheSize)
            .backingFile(files.backingFile()).backingSize(4L << 20)
            .background(false);
    }

    static byte[] block(final int seed) {
        final byte[] b = new byte[BS];
        Arrays.fill(b, (byte) seed);
        b[0] = (byte) (seed >> 8);
        b[BS - 1] = (byte) (seed * 31);
        return b;
    }

    static byte[] read(final WriteCache c, final long offset, final int len) throws IOException {
        final ByteBuffer dst = ByteBuffer.allocate(len);
        c.read(offset, dst);
        return dst.array();
    }

    private static byte[] readBacking(final Path p, final long offset, final int len) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            final ByteBuffer dst = ByteBuffer.allocate(len);
            ch.read(dst, offset);
            return dst.array();
        }
    }

    @Test
    void writesReadBackBeforeAndAfterWritebackAndReopen() throws IOException {
        final WriteCacheConfig cfg = config(1 << 20).build();
        try (WriteCache c = WriteCache.format(cfg)) {
            for (int i = 0; i < 50; i++) {
                c.write((long) i * BS, ByteBuffer.wrap(block(i)), i % 7 == 0);
            }
            for (int i = 0; i < 50; i++) {
                assertArrayEquals(block(i), read(c, (long) i * BS, BS), "block " + i + " before writeback");
            }
            assertEquals(50, c.status().dirtyBlocks());
            assertEquals(50, c.writeback());
            assertEquals(0, c.status().dirtyBlocks());
            for (int i = 0; i < 50; i++) {
                assertArrayEquals(block(i), read(c, (long) i * BS, BS), "block " + i + " after writeback");
                assertArrayEquals(block(i), readBacking(cfg.backingFile(), (long) i * BS, BS), "backing " + i);
            }
            c.write(3L * BS, ByteBuffer.wrap(block(1003)), false);
        }
        try (WriteCache c = WriteCache.open(cfg)) {
            assertEquals(1, c.status().dirtyBlocks(), "the write committed at close is dirty after reopen");
            assertArrayEquals(block(1003), read(c, 3L * BS, BS));
            assertArrayEquals(block(4), read(c, 4L * BS, BS));
        }
    }

    @Test
    void badRangesAreRejectedWithTheOffendingValues() throws IOException {
        try (WriteCache c = WriteCache.format(config(1 << 20).build())) {
            final IllegalArgumentException unaligned = assertThrows(IllegalArgumentException.class,
                () -> c.write(100, ByteBuffer.allocate(BS), false));
            assertTrue(unaligned.getMessage().contains("100"), unaligned.getMessage());
            final IllegalArgumentException beyond = assertThrows(IllegalArgumentException.class,
                () -> c.read(4L << 20, ByteBuffer.allocate(BS)));
            assertTrue(beyond.getMessage().contains("beyond"), beyond.getMessage());
        }
    }
}
