package org.writecache.writeback;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

import org.writecache.BlockDevice;
import org.writecache.format.CacheLayout;
import org.writecache.pmem.PersistentMemory;

/**
 * One round of writeback I/O: the blocks chosen by the engine (oldest first) are sorted by device block, contiguous
 * runs are coalesced into single writes, and the backing device is made durable before the engine frees anything.
 * Memory is bounded by the staging buffer: {@code writeback.jobs} blocks, and no more than that many are in flight.
 *
 * <p>Not thread safe; the engine runs one batch at a time, which also guarantees that two versions of one device
 * block are never in flight together.
 */
public final class WritebackBatch {
    private final CacheLayout layout;
    private final PersistentMemory pm;
    private final BlockDevice device;
    private final int blockSize;
    private final ByteBuffer staging;
    private final long[] sorted;
    private final int[] blocks;
    private final long[] deviceBlocks;
    private int count;
    private int ios;

    /**
     * @param layout the cache layout.
     * @param device the backing device.
     * @param jobs   the most blocks one batch holds.
     */
    public WritebackBatch(final CacheLayout layout, final BlockDevice device, final int jobs) {
        this.layout = layout;
        this.pm = layout.memory();
        this.device = device;
        this.blockSize = layout.blockSize();
        final int capacity = Math.min(jobs, layout.blockCount());
        this.staging = ByteBuffer.allocateDirect(Math.multiplyExact(capacity, blockSize));
        this.sorted = new long[capacity];
        this.blocks = new int[capacity];
        this.deviceBlocks = new long[capacity];
    }

    /** @return the most blocks a batch holds. */
    public int capacity() {
        return blocks.length;
    }

    /** Empties the batch. */
    public void clear() {
        count = 0;
        ios = 0;
    }

    /** Adds cache block {@code block}, which holds device block {@code deviceBlock}. */
    public void add(final int block, final long deviceBlock) {
        blocks[count] = block;
        deviceBlocks[count] = deviceBlock;
        count++;
    }

    /** @return blocks in the batch. */
    public int size() {
        return count;
    }

    /** @return whether the batch is full. */
    public boolean isFull() {
        return count == blocks.length;
    }

    /** @return the {@code i}-th cache block added. */
    public int block(final int i) {
        return blocks[i];
    }

    /** @return backing device writes the last {@link #write} issued. */
    public int ios() {
        return ios;
    }

    /**
     * Writes every block to the backing device, sorted by device block and coalesced into contiguous runs, then makes
     * the device durable. With {@code syncEachRun}, the device is synced after every run (FUA-like) instead of once.
     * The cache blocks must not change meanwhile: the engine holds them in the writeback state.
     */
    public void write(final boolean syncEachRun) throws IOException {
        ios = 0;
        if (count == 0) {
            return;
        }
        for (int i = 0; i < count; i++) {
            sorted[i] = (deviceBlocks[i] << 31) | blocks[i];
        }
        Arrays.sort(sorted, 0, count);
        int i = 0;
        while (i < count) {
            final long first = sorted[i] >>> 31;
            int j = i + 1;
            while (j < count && (sorted[j] >>> 31) == first + (j - i)) {
                j++;
            }
            staging.clear();
            for (int k = i; k < j; k++) {
                final int block = (int) (sorted[k] & 0x7FFF_FFFFL);
                pm.copyTo(layout.blockOffset(block), staging, (k - i) * blockSize, blockSize);
            }
            staging.limit((j - i) * blockSize);
            final long at = first * blockSize;
            try {
                device.write(at, staging);
                if (syncEachRun) {
                    device.sync();
                }
            } catch (final IOException e) {
                throw new IOException("backing write of bytes [" + at + ", " + (at + staging.limit()) + ") (sectors "
                    + at / 512 + " to " + ((at + staging.limit()) / 512 - 1) + ") failed: " + e.getMessage(), e);
            }
            ios++;
            i = j;
        }
        if (!syncEachRun) {
            device.sync();
        }
    }
}
