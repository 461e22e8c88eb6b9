package org.writecache.crash;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.writecache.WriteCache;
import org.writecache.WriteCacheConfig;
import org.writecache.format.CacheLayout;
import org.writecache.format.DataChecksum;
import org.writecache.pmem.crash.CrashPlan;
import org.writecache.pmem.crash.CrashSimulatingMemory;
import org.writecache.pmem.crash.CrashWalkStats;
import org.writecache.pmem.crash.CutPoints;
import org.writecache.pmem.crash.Tearing;

/**
 * A data write cut short on a block whose entry never committed stays invisible, in both format versions: after a
 * crash at any event of the copy (every prefix of its word stores, so the copy is torn at every word), the block
 * reads as its last committed value, never torn and never refused by its checksum. Data and entry are flushed and
 * fenced before the commit word, so no commit can cover a half-written block.
 */
@ParameterizedClass
@EnumSource(DataChecksum.class)
class TornDataWriteTest {
    private static final int BS = 512;
    private static final int DEVICE_BLOCKS = 16;

    @Parameter
    DataChecksum checksum;

    /** @return whether a data block of {@code image} holds part of a version of block 3: a copy cut short. */
    private static boolean torn(final org.writecache.pmem.PersistentMemory image, final long dataOffset) {
        final byte[] data = new byte[BS];
        for (int b = 0; b < 8; b++) {
            image.copyTo(dataOffset + (long) b * BS, data, 0, BS);
            if (BlockContent.versionOf(data, 0, BS, 3) == BlockContent.INVALID
                && !java.util.Arrays.equals(data, new byte[BS])) {
                return true;
            }
        }
        return false;
    }

    @Test
    void aTornCopyIntoANewBlockOrAnUncommittedOneInPlaceStaysInvisible() throws IOException {
        final Logger log = Logger.getLogger(WriteCache.class.getName());
        final Level level = log.getLevel();
        log.setLevel(Level.WARNING);
        final long region = CacheLayout.regionSize(8, BS, checksum);
        final WriteCacheConfig cfg = WriteCacheConfig.builder().cacheFile(Path.of("torn-write")).cacheSize(region)
            .backingSize((long) DEVICE_BLOCKS * BS).blockSize(BS).dataChecksum(checksum).autocommitBlocks(64)
            .autocommitTime(Duration.ofHours(1)).background(false).build();
        final CrashSimulatingMemory memory = new CrashSimulatingMemory(region);
        final CrashAwareDevice device = new CrashAwareDevice(new byte[DEVICE_BLOCKS * BS], memory::eventCount);
        final byte[] committed = BlockContent.of(BS, 3, 1);
        try (WriteCache cache = WriteCache.format(cfg, new UnclosableMemory(memory), device)) {
            cache.write(3L * BS, ByteBuffer.wrap(committed), true);
            final long afterCommit = memory.eventCount();
            cache.write(3L * BS, ByteBuffer.wrap(BlockContent.of(BS, 3, 2)), false); // a new block: v1 is committed
            cache.write(3L * BS, ByteBuffer.wrap(BlockContent.of(BS, 3, 3)), false); // in place over uncommitted v2
            assertEquals(1, cache.status().writeHitsUncommitted());
            final long[] checked = {0, 0};
            final CrashWalkStats stats = memory.forEachCrashImage(
                new CrashPlan(CutPoints.EVERY_EVENT, Tearing.PREFIX, 64, 16, 7), image -> {
                    if (image.cut() < afterCommit) {
                        return;
                    }
                    checked[1] += torn(image.memory(), CacheLayout.dataOffset(8, BS, checksum)) ? 1 : 0;
                    try (WriteCache recovered = WriteCache.open(cfg, image.memory(),
                        new CrashAwareDevice(device.durableImageAt(image.cut(), null), () -> 0))) {
                        final ByteBuffer got = ByteBuffer.allocate(BS);
                        recovered.read(3L * BS, got);
                        assertArrayEquals(committed, got.array(), "cut " + image.cut() + ": " + image.replay());
                        assertEquals(0, recovered.status().checksumErrors());
                        checked[0]++;
                    } catch (final IOException e) {
                        throw new UncheckedIOException("cut " + image.cut() + ": " + image.replay(), e);
                    }
                });
            System.out.printf("torn data writes (format version %d): %d crash images after the commit checked (%d "
                + "with a torn data block), of %d%n", checksum.formatVersion(), checked[0], checked[1], stats.images());
            assertTrue(checked[0] > 100, checked[0] + " images checked");
            assertTrue(checked[1] > 10, checked[1] + " images hold a torn copy: the walk must cut copies short");
        } finally {
            log.setLevel(level);
        }
    }
}
