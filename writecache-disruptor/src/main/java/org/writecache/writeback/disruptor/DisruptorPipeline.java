package org.writecache.writeback.disruptor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import org.writecache.BlockDevice;
import org.writecache.writeback.WritebackBatch;
import org.writecache.writeback.WritebackPipeline;

/**
 * A two-stage writeback pipeline: the writeback thread copies runs out of the cache into the slots of an LMAX
 * Disruptor ring while one writer thread writes the slots to the backing device, so copying overlaps writing. Runs
 * longer than a slot are split. The ring has {@code slots x slotBlocks <= jobs} blocks, so no more than
 * {@code writeback.jobs} blocks are ever in flight. A block that fails its checksum while being copied ends its slot
 * early and is skipped. {@link #write} returns when the writer has written (and, as asked, synced) every slot it
 * published. Batches come one at a time but from whichever thread runs writeback (the
 * background thread, a flush), so the ring is a multi-producer one: the single-producer sequencer insists on one
 * thread.
 */
final class DisruptorPipeline implements WritebackPipeline {
    /** Largest slot, in blocks. */
    static final int MAX_SLOT_BLOCKS = 32;

    /** One slot of the ring: a chunk of a run. */
    static final class Slot {
        ByteBuffer data;
        long offset;
        int length;
    }

    private final BlockDevice device;
    private final int blockSize;
    private final int slotBlocks;
    private final Disruptor<Slot> disruptor;
    private final RingBuffer<Slot> ring;
    private final AtomicLong completed = new AtomicLong(-1);
    private volatile long target = Long.MAX_VALUE;
    private volatile Thread waiter;
    private volatile IOException error;
    private boolean syncEachRun;

    DisruptorPipeline(final BlockDevice device, final int jobs, final int blockSize) {
        this.device = device;
        this.blockSize = blockSize;
        this.slotBlocks = Math.min(jobs, MAX_SLOT_BLOCKS);
        final int slots = Integer.highestOneBit(Math.max(1, jobs / slotBlocks));
        final int slotBytes = Math.multiplyExact(slotBlocks, blockSize);
        this.disruptor = new Disruptor<>(() -> {
            final Slot s = new Slot();
            s.data = ByteBuffer.allocateDirect(slotBytes);
            return s;
        }, slots, r -> Thread.ofPlatform().daemon().name("writecache-writeback-io").unstarted(r),
            ProducerType.MULTI, new BlockingWaitStrategy());
        final EventHandler<Slot> writer = this::onSlot;
        disruptor.handleEventsWith(writer);
        this.ring = disruptor.start();
    }

    /** @return blocks in flight at most: slots times slot size. */
    int capacityBlocks() {
        return ring.getBufferSize() * slotBlocks;
    }

    private void onSlot(final Slot s, final long sequence, final boolean endOfBatch) {
        if (error == null) {
            try {
                if (s.length > 0) {
                    s.data.clear().limit(s.length);
                    if (syncEachRun) {
                        device.writeFua(s.offset, s.data);
                    } else {
                        device.writeQueued(s.offset, s.data);
                    }
                }
            } catch (final IOException e) {
                error = WritebackBatch.failure(s.offset, s.length, e);
            } catch (final RuntimeException e) {
                error = WritebackBatch.failure(s.offset, s.length, new IOException(e.toString(), e));
            }
        }
        completed.set(sequence);
        if (sequence >= target) {
            LockSupport.unpark(waiter);
        }
    }

    @Override
    public void write(final WritebackBatch batch, final boolean syncEachRun) throws IOException {
        this.syncEachRun = syncEachRun;
        this.waiter = Thread.currentThread();
        long last = -1;
        for (int r = 0; r < batch.runs() && error == null; r++) {
            final int n = batch.runLength(r);
            final long runOffset = batch.runDeviceBlock(r) * blockSize;
            for (int from = 0; from < n; ) {
                final int k = Math.min(slotBlocks, n - from);
                final long seq = ring.next();
                final Slot s = ring.get(seq);
                final int good = batch.copyRun(r, from, k, s.data.clear(), 0);
                s.offset = runOffset + (long) from * blockSize;
                s.length = good * blockSize;
                from += good < k ? good + 1 : good; // a block that failed its checksum is skipped
                ring.publish(seq);
                if (good > 0) {
                    batch.countIo();
                }
                last = seq;
            }
        }
        target = last;
        while (completed.get() < last) {
            LockSupport.park(this);
        }
        target = Long.MAX_VALUE;
        final IOException e = error;
        if (e != null) {
            error = null;
            throw e;
        }
        if (!syncEachRun) {
            try {
                device.sync();
            } catch (final IOException syncError) {
                throw batch.syncFailure(syncError);
            }
        }
    }

    @Override
    public void close() {
        disruptor.halt();
    }
}
