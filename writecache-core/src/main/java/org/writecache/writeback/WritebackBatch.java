package org.writecache.writeback;

import java.io.IOException;
import java.util.Arrays;

import org.agrona.collections.IntArrayList;
import org.writecache.BlockDevice;
import org.writecache.checksum.DataChecksums;
import org.writecache.format.CacheLayout;
import org.writecache.pmem.PersistentMemory;

/**
 * One round of writeback: the blocks chosen by the engine (oldest first) are sorted by device block and coalesced
 * into contiguous runs, which a {@link WritebackPipeline} writes to the backing device and makes durable before the
 * engine frees anything. A batch holds at most {@code writeback.jobs} blocks, and no pipeline has more than that many
 * in flight.
 *
 * <p>Every block is verified against its data checksum as it is copied out ({@link #copyRun}); one that fails is not
 * written: it is recorded ({@link #failed}) and its run continues after it, so the rest of the batch is written back.
 *
 * <p>Not thread safe; the engine runs one batch at a time, which also guarantees that two versions of one device
 * block are never in flight together.
 */
public final class WritebackBatch implements AutoCloseable {
    private final CacheLayout layout;
    private final PersistentMemory pm;
    private final int blockSize;
    private final WritebackPipeline pipeline;
    private final DataChecksums checksums;
    private final IntArrayList failed = new IntArrayList();
    private final long[] sorted;
    private final int[] blocks;
    private final long[] deviceBlocks;
    private final int[] runStart;
    private int count;
    private int runs;
    private int ios;

    /**
     * @param layout the cache layout.
     * @param device the backing device.
     * @param jobs   the most blocks one batch holds (and the pipeline has in flight).
     * @param kind   which pipeline writes the runs.
     * @param checksums verifies every block copied out.
     */
    public WritebackBatch(final CacheLayout layout, final BlockDevice device, final int jobs,
                          final WritebackPipeline.Kind kind, final DataChecksums checksums) {
        this.layout = layout;
        this.checksums = checksums;
        this.pm = layout.memory();
        this.blockSize = layout.blockSize();
        final int capacity = Math.min(jobs, layout.blockCount());
        this.sorted = new long[capacity];
        this.blocks = new int[capacity];
        this.deviceBlocks = new long[capacity];
        this.runStart = new int[capacity + 1];
        this.pipeline = kind.create(device, capacity, blockSize);
    }

    /** @return the most blocks a batch holds. */
    public int capacity() {
        return blocks.length;
    }

    /** Empties the batch. */
    public void clear() {
        count = 0;
        failed.clear();
        runs = 0;
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

    /** @return block size in bytes. */
    public int blockSize() {
        return blockSize;
    }

    /** @return contiguous runs after {@link #write} sorted the batch. */
    public int runs() {
        return runs;
    }

    /** @return the first device block of run {@code r}. */
    public long runDeviceBlock(final int r) {
        return sorted[runStart[r]] >>> 31;
    }

    /** @return blocks in run {@code r}. */
    public int runLength(final int r) {
        return runStart[r + 1] - runStart[r];
    }

    /**
     * Copies blocks {@code [from, from + n)} of run {@code r} from the cache into {@code dst} at {@code dstPos},
     * verifying each copy against its data checksum, and stops at the first that fails: that block is recorded as
     * {@link #failed} and must not be written; the caller goes on after it.
     *
     * @return blocks copied and verified, from {@code from} on: {@code n} unless one failed.
     */
    public int copyRun(final int r, final int from, final int n, final java.nio.ByteBuffer dst, final int dstPos) {
        for (int k = 0; k < n; k++) {
            final int block = (int) (sorted[runStart[r] + from + k] & 0x7FFF_FFFFL);
            final int at = dstPos + k * blockSize;
            pm.copyTo(layout.blockOffset(block), dst, at, blockSize);
            if (!checksums.verifyCopy(block, dst, at)) {
                failed.addInt(block);
                return k;
            }
        }
        return n;
    }

    /** @return whether cache block {@code block} failed its checksum in the last {@link #write} and was not written. */
    public boolean failed(final int block) {
        return !failed.isEmpty() && failed.containsInt(block);
    }

    /** Counts one backing device write (pipelines call it). */
    public void countIo() {
        ios++;
    }

    /** @return an I/O error naming the byte and sector range of a failed backing write (for pipelines). */
    public static IOException failure(final long offset, final long length, final IOException e) {
        return new IOException("backing write of bytes [" + offset + ", " + (offset + length) + ") (sectors "
            + offset / 512 + " to " + ((offset + length) / 512 - 1) + ") failed: " + e.getMessage(), e);
    }

    /** @return an I/O error naming the byte range this batch wrote, for a failed sync after it (for pipelines). */
    public IOException syncFailure(final IOException e) {
        final long from = runDeviceBlock(0) * blockSize;
        final long to = (runDeviceBlock(runs - 1) + runLength(runs - 1)) * blockSize;
        return new IOException("sync of the backing device after writing back bytes in [" + from + ", " + to
            + ") (sectors " + from / 512 + " to " + (to / 512 - 1) + ") failed: " + e.getMessage(), e);
    }

    /**
     * Writes every block to the backing device, sorted by device block and coalesced into contiguous runs, then makes
     * the device durable. With {@code syncEachRun}, the device is synced after every run (FUA-like) instead of once.
     * The cache blocks must not change meanwhile: the engine holds them in the writeback state.
     */
    public void write(final boolean syncEachRun) throws IOException {
        ios = 0;
        runs = 0;
        failed.clear();
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
            runStart[runs++] = i;
            i = j;
        }
        runStart[runs] = count;
        pipeline.write(this, syncEachRun);
    }

    /** Stops the pipeline's threads, if it has any. */
    @Override
    public void close() {
        pipeline.close();
    }
}
