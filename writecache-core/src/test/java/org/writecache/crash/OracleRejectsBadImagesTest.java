package org.writecache.crash;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.writecache.DataChecksumException;
import org.writecache.format.CacheLayout;
import org.writecache.format.DataChecksum;
import org.writecache.pmem.HeapPersistentMemory;

/**
 * The oracle can fail: hand-made bad images and a backing device that lost synced writes are rejected, while the
 * same images untouched pass. Without this, a crash test that never fails would prove nothing. The cache here has no
 * data checksums (format version 1), so that the oracle itself must catch damaged data; with checksums the cache
 * refuses the read first ({@link #withChecksumsTheCacheRefusesADamagedBlockBeforeTheOracleSeesIt}).
 */
class OracleRejectsBadImagesTest {
    private static final int BS = CrashWorkload.BLOCK_SIZE;
    private static final int CACHE_BLOCKS = 16;

    private CrashWorkload w;

    /** Device block 1 holds version 1 and device block 2 version 2, both written with FUA (durable). */
    @BeforeEach
    void twoDurableWrites() throws IOException {
        w = new CrashWorkload(0, DataChecksum.NONE, CACHE_BLOCKS, 32, 64, 90, 80, 4, false);
        w.write(1, 1, true);
        w.write(2, 1, true);
    }

    private long cut() {
        return w.memory.eventCount();
    }

    private long dataOffset(final int cacheBlock) {
        return CacheLayout.dataOffset(CACHE_BLOCKS, BS, w.config.dataChecksum()) + (long) cacheBlock * BS;
    }

    /** @return the cache block whose data is {@code version} of {@code deviceBlock}. */
    private int cacheBlockHolding(final HeapPersistentMemory image, final int deviceBlock,
                                         final int version) {
        final byte[] data = new byte[BS];
        for (int b = 0; b < CACHE_BLOCKS; b++) {
            image.copyTo(dataOffset(b), data, 0, BS);
            if (BlockContent.versionOf(data, 0, BS, deviceBlock) == version) {
                return b;
            }
        }
        throw new AssertionError("no cache block holds version " + version + " of device block " + deviceBlock);
    }

    private AssertionError rejected(final HeapPersistentMemory image) {
        return assertThrows(AssertionError.class,
            () -> CrashImageCheck.check(w, cut(), image, w.device.durableAt(cut(), null)));
    }

    @Test
    void theUntouchedImagePasses() {
        CrashImageCheck.check(w, cut(), w.memory.visibleImage(), w.device.durableAt(cut(), null));
    }

    @Test
    void aCommittedEntryPointingAtAnotherBlocksDataIsRejected() {
        final HeapPersistentMemory image = w.memory.visibleImage();
        final int victim = cacheBlockHolding(image, 1, 1);
        final byte[] foreign = BlockContent.of(BS, 2, 2);
        image.copyFrom(foreign, 0, dataOffset(victim), BS);
        final AssertionError e = rejected(image);
        assertTrue(e.getMessage().contains("device block 1 is torn or foreign"), e.getMessage());
    }

    @Test
    void withChecksumsTheCacheRefusesADamagedBlockBeforeTheOracleSeesIt() throws IOException {
        w = new CrashWorkload(0, DataChecksum.CRC32C, CACHE_BLOCKS, 32, 64, 90, 80, 4, false);
        w.write(1, 1, true);
        final HeapPersistentMemory image = w.memory.visibleImage();
        CrashImageCheck.check(w, cut(), image.copy(), w.device.durableAt(cut(), null));
        image.fill(dataOffset(cacheBlockHolding(image, 1, 1)) + BS / 2, BS / 2, (byte) 0);
        final UncheckedIOException e = assertThrows(UncheckedIOException.class,
            () -> CrashImageCheck.check(w, cut(), image, w.device.durableAt(cut(), null)));
        assertTrue(e.getCause() instanceof DataChecksumException dce && dce.deviceBlock() == 1, e.toString());
    }

    @Test
    void aTornDataBlockIsRejected() {
        final HeapPersistentMemory image = w.memory.visibleImage();
        final int victim = cacheBlockHolding(image, 1, 1);
        image.fill(dataOffset(victim) + BS / 2, BS / 2, (byte) 0);
        final AssertionError e = rejected(image);
        assertTrue(e.getMessage().contains("device block 1 is torn or foreign"), e.getMessage());
    }

    @Test
    void aLostDurableWriteIsRejected() {
        final HeapPersistentMemory image = w.memory.visibleImage();
        final int victim = cacheBlockHolding(image, 1, 1);
        final long entry = CacheLayout.SUPERBLOCK_SIZE + (long) DataChecksum.NONE.entrySize() * victim;
        image.putLong(entry, CacheLayout.FREE);
        image.putLong(entry + 8, CacheLayout.FREE);
        final AssertionError e = rejected(image);
        assertTrue(e.getMessage().contains("device block 1 reads version 0 but only [1] are allowed"),
            e.getMessage());
    }

    @Test
    void aBackingDeviceThatLostSyncedWritebackIsRejected() throws IOException {
        w.writeback();
        final HeapPersistentMemory image = w.memory.visibleImage();
        CrashImageCheck.check(w, cut(), image.copy(), w.device.durableAt(cut(), null));
        final AssertionError e = assertThrows(AssertionError.class,
            () -> CrashImageCheck.check(w, cut(), image, w.device.durableAt(0, null)));
        assertTrue(e.getMessage().contains("device block 1 reads version 0 but only [1] are allowed"),
            e.getMessage());
    }
}
