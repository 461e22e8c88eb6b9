package org.writecache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.writecache.WriteCacheTest.block;
import static org.writecache.WriteCacheTest.read;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;

import org.agrona.concurrent.CachedNanoClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The commit protocol of dm-writecache (design notes, section 3), observed through the API and crash images. */
class CommitProtocolTest {
    private static final int BS = 4096;
    private static final byte[] ZERO = new byte[BS];

    @RegisterExtension
    final TestFiles files = new TestFiles();

    private WriteCacheConfig.Builder config() {
        return WriteCacheConfig.builder()
            .cacheFile(files.cacheFile()).cacheSize(1 << 20)
            .backingFile(files.backingFile()).backingSize(4L << 20)
            .autocommitBlocks(1000).background(false);
    }

    private static void write(final WriteCache c, final long block, final int value, final boolean fua)
        throws IOException {
        c.write(block * BS, ByteBuffer.wrap(block(value)), fua);
    }

    private WriteCache reopen(final WriteCacheConfig cfg, final Path image) throws IOException {
        return WriteCache.open(cfg.toBuilder().cacheFile(image).build());
    }

    @Test
    void overwriteOfAnUncommittedBlockIsInPlace() throws IOException {
        try (WriteCache c = WriteCache.format(config().build())) {
            final long free = c.status().freeBlocks();
            write(c, 5, 1, false);
            write(c, 5, 2, false);
            final CacheStatus s = c.status();
            assertEquals(free - 1, s.freeBlocks());
            assertEquals(1, s.writesAllocate());
            assertEquals(1, s.writeHitsUncommitted());
            assertArrayEquals(block(2), read(c, 5 * BS, BS));
        }
    }

    @Test
    void overwriteOfACommittedBlockAllocatesAndTheOldOneIsFreedAtTheNextCommit() throws IOException {
        try (WriteCache c = WriteCache.format(config().build())) {
            final long free = c.status().freeBlocks();
            write(c, 5, 1, true);
            write(c, 5, 2, false);
            assertEquals(free - 2, c.status().freeBlocks(), "old block stays valid until the commit");
            assertEquals(1, c.status().writeHitsCommitted());
            c.flush();
            assertEquals(free - 1, c.status().freeBlocks(), "the commit freed the superseded block");
            assertArrayEquals(block(2), read(c, 5 * BS, BS));
        }
    }

    @Test
    void aCrashBeforeTheCommitKeepsThePreviouslyAcknowledgedData() throws IOException {
        final WriteCacheConfig cfg = config().build();
        final Path image;
        try (WriteCache c = WriteCache.format(cfg)) {
            write(c, 5, 1, true);
            write(c, 5, 2, false);
            write(c, 6, 3, false);
            image = files.crashImage(cfg.cacheFile());
            assertArrayEquals(block(2), read(c, 5 * BS, BS));
        }
        try (WriteCache c = reopen(cfg, image)) {
            assertArrayEquals(block(1), read(c, 5 * BS, BS), "acknowledged durable value");
            assertArrayEquals(ZERO, read(c, 6 * BS, BS), "never committed: the backing device's contents");
            assertEquals(1, c.status().dirtyBlocks());
        }
    }

    @Test
    void aCrashAfterAFlushKeepsEverything() throws IOException {
        final WriteCacheConfig cfg = config().build();
        final Path image;
        try (WriteCache c = WriteCache.format(cfg)) {
            write(c, 5, 1, true);
            write(c, 5, 2, false);
            write(c, 6, 3, false);
            c.flush();
            image = files.crashImage(cfg.cacheFile());
        }
        try (WriteCache c = reopen(cfg, image)) {
            assertArrayEquals(block(2), read(c, 5 * BS, BS));
            assertArrayEquals(block(3), read(c, 6 * BS, BS));
            assertEquals(2, c.status().dirtyBlocks());
        }
    }

    @Test
    void autocommitAfterTheConfiguredNumberOfBlocks() throws IOException {
        try (WriteCache c = WriteCache.format(config().autocommitBlocks(4).build())) {
            for (int i = 0; i < 3; i++) {
                write(c, i, i, false);
            }
            assertEquals(0, c.status().commits());
            assertEquals(3, c.status().uncommittedBlocks());
            write(c, 3, 3, false);
            assertEquals(1, c.status().commits());
            assertEquals(0, c.status().uncommittedBlocks());
        }
    }

    @Test
    void autocommitWhenTheOldestUncommittedWriteReachesTheConfiguredAge() throws IOException {
        final CachedNanoClock clock = new CachedNanoClock();
        clock.update(1_000_000_000L);
        try (WriteCache c = WriteCache.format(config().clock(clock).autocommitTime(Duration.ofMillis(1000)).build())) {
            write(c, 1, 1, false);
            clock.advance(600_000_000L);
            write(c, 2, 2, false);
            clock.advance(399_000_000L);
            c.doWork();
            assertEquals(0, c.status().commits(), "999 ms: not yet");
            clock.advance(1_000_000L);
            c.doWork();
            assertEquals(1, c.status().commits(), "1000 ms after the oldest write");
            assertEquals(0, c.status().uncommittedBlocks());
        }
    }

    @Test
    void fuaWritesAreCommittedBeforeTheyReturn() throws IOException {
        try (WriteCache c = WriteCache.format(config().build())) {
            final long seq = c.status().seqCount();
            write(c, 9, 9, true);
            assertEquals(seq + 1, c.status().seqCount());
            assertEquals(0, c.status().uncommittedBlocks());
        }
    }

    @Test
    void discardDropsCommittedAndUncommittedBlocksDurably() throws IOException {
        final WriteCacheConfig cfg = config().build();
        final Path image;
        try (WriteCache c = WriteCache.format(cfg)) {
            final long free = c.status().freeBlocks();
            write(c, 1, 1, true);
            write(c, 2, 2, false);
            c.discard(BS, 2 * BS);
            assertEquals(free, c.status().freeBlocks());
            assertArrayEquals(ZERO, read(c, BS, BS));
            assertArrayEquals(ZERO, read(c, 2 * BS, BS));
            assertEquals(2, c.status().discards());
            image = files.crashImage(cfg.cacheFile());
        }
        try (WriteCache c = reopen(cfg, image)) {
            assertArrayEquals(ZERO, read(c, BS, BS), "the discard of a committed block was made durable");
            assertEquals(0, c.status().dirtyBlocks());
        }
    }

    @Test
    void aClosedCacheRefusesRequests() throws IOException {
        final WriteCache c = WriteCache.format(config().build());
        c.close();
        assertThrows(WriteCacheException.class, () -> write(c, 1, 1, false));
        assertThrows(WriteCacheException.class, c::flush);
    }

    @Test
    void aCleanCloseCommitsAndReopenCountsTheDirtyBlocksExactly() throws IOException {
        final WriteCacheConfig cfg = config().build();
        try (WriteCache c = WriteCache.format(cfg)) {
            for (int i = 0; i < 17; i++) {
                write(c, i * 3, i, false);
            }
        }
        try (WriteCache c = WriteCache.open(cfg)) {
            assertEquals(17, c.status().dirtyBlocks());
            for (int i = 0; i < 17; i++) {
                assertArrayEquals(block(i), read(c, i * 3L * BS, BS));
            }
        }
    }
}
