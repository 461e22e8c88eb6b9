package org.writecache;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.agrona.collections.IntArrayList;
import org.agrona.concurrent.NanoClock;
import org.writecache.checksum.DataChecksums;
import org.writecache.format.CacheLayout;
import org.writecache.freelist.FreeList;
import org.writecache.freelist.Parker;
import org.writecache.freelist.WaitStats;
import org.writecache.freelist.Waiter;
import org.writecache.index.BlockIndex;
import org.writecache.pmem.PersistentMemory;
import org.writecache.stats.Counter;
import org.writecache.stats.Counters;
import org.writecache.stats.Gauge;
import org.writecache.writeback.BlockAges;
import org.writecache.writeback.WritebackBatch;

/**
 * The cache engine: the write path, the read path, commit, discard and the writeback state machine.
 *
 * <h2>Implementation notes</h2>
 *
 * <p>One lock ({@link #lock}) guards the index, the block states, the uncommitted and superseded lists and the
 * sequence count, as dm-writecache's {@code wc->lock} does. Data is copied into persistent memory under it (a 4 KiB
 * copy costs about a microsecond); backing device I/O never happens under it.
 *
 * <p>Durability follows dm-writecache's commit protocol. A write copies data into a free block and stamps the block's
 * entry with the current sequence count {@code seq}; data and entry are flushed at once, not fenced. A commit fences
 * (every earlier flush is then on media), stores {@code seq + 1} in the commit word with one atomic 8-byte store and
 * persists it: every entry stamped below the new count is committed at that instant. A write to a block that is
 * uncommitted overwrites it in place (nobody was promised its old contents); a write to a committed block takes a new
 * block, and the old one stays valid on media, SUPERSEDED, until the next commit frees it.
 *
 * <p>Freeing a block whose entry is committed writes the entry free, flushes and fences before the block can be
 * reused: otherwise a crash could pair the old committed entry with new data. Freeing an uncommitted block needs no
 * fence: its entry is not committed and the commit fence orders the free before any later commit.
 *
 * <p>Writeback takes the oldest committed blocks (the tail of the write order), marks them WRITEBACK (still mapped,
 * so reads hit), and writes them outside the lock through a {@link WritebackBatch}: sorted, coalesced into runs and
 * handed to its pipeline (sequential, or a Disruptor ring with a writer thread: {@code writeback.pipeline}), never
 * more than {@code writeback.jobs} blocks in flight. Only after the backing device is durable does it free them. One
 * batch runs at a time ({@link #writebackLock}), so two versions of one device block are never in flight together.
 * A block overwritten or discarded while in flight becomes SUPERSEDED_WRITEBACK and is freed when its I/O completes.
 * A batch is due above the high watermark (until the low one), for blocks older than {@code writeback.max.age}
 * (ages in {@link BlockAges}, only when set), and always in cleaner mode; {@code writeback.pause} holds the first two
 * off while writes keep coming, unless the freelist is empty.
 *
 * <p>In cleaner mode new writes go around the cache: under {@link #writebackLock} (so no older version of the block is
 * in flight), the data goes to the backing device, which is synced if any of the blocks is cached, and only then are
 * the cached copies dropped, as a discard drops them: the newest data is durable somewhere at every instant.
 *
 * <p>Errors are sticky, as in dm-writecache. A backing write or sync that fails during writeback puts the batch back
 * (its blocks COMMITTED again, at the oldest end of the write order; superseded ones SUPERSEDED) and the cache enters
 * the error state: nothing of the batch is freed, every request fails with {@link WriteCacheException}, and
 * {@link #status()} reports the message naming the device and byte range. The cache media stay sound, so close still
 * commits; a later open in front of a healthy device finds every committed block and writes it back. A backing read
 * that fails on a miss fails that read only.
 *
 * <p>Data checksums (format version 2) are {@link DataChecksums}' business, a call at each place data enters or leaves
 * the cache: a block's checksum is stamped right after its data is copied in, a read hit is verified before it is
 * copied out, writeback verifies each block as it stages it, and a dirty block that fails is kept as a bad block:
 * COMMITTED, mapped (its reads fail), out of the write order, until a write supersedes it or a discard drops it.
 *
 * <p>Writers that find too few free blocks wait on the {@link FreeList}, whose {@link WaitPolicy} decides who is
 * woken. After waking, a writer looks its blocks up again: it may need fewer now (another writer cached the same
 * block and it is now uncommitted, so it is overwritten in place), or the wait may end by timeout, interrupt, close or
 * error; in every case the freelist is told ({@link FreeList#endWait}).
 */
final class CacheEngine {
    /** Largest number of blocks one allocation takes at once; longer writes are split. */
    static final int MAX_CHUNK_BLOCKS = 32;

    private final WriteCacheConfig config;
    private final CacheLayout layout;
    private final PersistentMemory pm;
    private final BlockDevice device;
    private final NanoClock clock;
    private final int blockSize;
    private final int blockShift;
    private final int blocks;
    private final long deviceBlocks;
    private final int chunkBlocks;

    final ReentrantLock lock = new ReentrantLock();
    private final Condition workAvailable = lock.newCondition();
    private final ReentrantLock writebackLock = new ReentrantLock();

    private final BlockIndex index;
    private final byte[] state;
    private final FreeList freeList;
    private final IntArrayList uncommitted = new IntArrayList();
    private final IntArrayList superseded = new IntArrayList();
    private final Counters counters;
    private final BlockAges ages;
    private final DataChecksums checksums;
    private final WritebackBatch batch;
    private final int[] freed;
    private final Recovery.Result recovery;
    private long seq;
    private long firstUncommittedNanos;
    private int writebackBlocks;
    private boolean writingBack;
    private String error;
    private Throwable errorCause;
    private boolean closed;
    /** The sticky error came from the backing device: the cache itself is sound and may still commit. */
    private boolean backingFailed;
    private volatile boolean cleaner;
    private long lastWriteNanos;

    CacheEngine(final WriteCacheConfig config, final CacheLayout layout, final BlockDevice device, final Parker parker)
        throws CorruptCacheException {
        this(config, layout, device, parker, new Counters());
    }

    CacheEngine(final WriteCacheConfig config, final CacheLayout layout, final BlockDevice device, final Parker parker,
                final Counters counters) throws CorruptCacheException {
        this.counters = counters;
        this.config = config;
        this.layout = layout;
        this.pm = layout.memory();
        this.device = device;
        this.clock = config.clock();
        this.blockSize = layout.blockSize();
        this.blockShift = layout.blockShift();
        this.blocks = layout.blockCount();
        this.deviceBlocks = Math.min(device.size() >> blockShift, CacheLayout.MAX_DEVICE_BLOCKS);
        this.chunkBlocks = Math.max(1, Math.min(MAX_CHUNK_BLOCKS, blocks / 4));
        this.index = new BlockIndex(blocks);
        this.state = new byte[blocks];
        this.freeList = new FreeList(blocks, config.waitPolicy(), parker, clock, config.freeListStats());
        final Recovery.Result r = Recovery.run(layout, deviceBlocks, index, state, freeList);
        this.checksums = new DataChecksums(layout, config.verifyReads(), counters);
        if (config.scrubOnOpen()) {
            checksums.scrub(b -> state[b] == BlockState.COMMITTED, index::keyOf, index::unlink);
        }
        this.batch = new WritebackBatch(layout, device, config.writebackJobs(), config.writebackPipeline(),
            checksums);
        this.freed = new int[Math.max(batch.capacity(), chunkBlocks)];
        this.seq = r.seq();
        this.error = r.error();
        this.recovery = r;
        this.cleaner = config.cleaner();
        this.lastWriteNanos = clock.nanoTime() - config.pause().toNanos();
        if (config.maxAge().isZero()) {
            this.ages = null;
        } else {
            this.ages = new BlockAges(blocks, config.maxAge().toNanos(), clock);
            for (int b = 0; b < blocks; b++) {
                if (state[b] == BlockState.COMMITTED) {
                    ages.stamp(b);
                }
            }
        }
        lock.lock();
        try {
            publishGauges();
        } finally {
            lock.unlock();
        }
    }

    /** @return what recovery found when this cache was opened. */
    Recovery.Result recovery() {
        return recovery;
    }

    int blockSize() {
        return blockSize;
    }

    int blocks() {
        return blocks;
    }

    long deviceSize() {
        return deviceBlocks << blockShift;
    }

    /** @return heap bytes of metadata per cache block: index, state byte, freelist slot, age when max age is set. */
    double metadataBytesPerBlock() {
        return index.bytesPerBlock() + 1 + FreeList.bytesPerBlock() + (ages == null ? 0 : BlockAges.bytesPerBlock());
    }

    // ------------------------------------------------------------------ write path

    void write(final long offset, final ByteBuffer src, final boolean fua) throws IOException {
        if (cleaner) {
            writeAround(offset, src, fua);
            return;
        }
        final int n = src.remaining() >> blockShift;
        final long first = offset >> blockShift;
        int pos = src.position();
        for (int done = 0; done < n; ) {
            final int count = Math.min(chunkBlocks, n - done);
            writeChunk(first + done, count, src, pos);
            pos += count << blockShift;
            done += count;
        }
        src.position(src.limit());
        if (fua) {
            flush(false);
        }
    }

    private void writeChunk(final long firstBlock, final int count, final ByteBuffer src, final int srcPos)
        throws IOException {
        final int[] fresh = new int[count];
        final int[] found = new int[count];
        final long timeout = config.writeTimeout().toNanos();
        final long deadline = timeout == 0 ? 0 : clock.nanoTime() + timeout;
        Waiter waiter = null;
        boolean blocked = false;
        try {
            while (true) {
                lock.lock();
                try {
                    checkUsable();
                    final int needed = blocksNeeded(firstBlock, count, found);
                    final boolean got = needed == 0
                        || (waiter == null ? freeList.tryAllocate(needed, fresh) : freeList.allocate(needed, waiter, fresh));
                    if (got) {
                        freeList.endWait(waiter);
                        waiter = null;
                        applyWrite(firstBlock, count, src, srcPos, found, fresh);
                        return;
                    }
                    if (waiter == null) {
                        waiter = freeList.newWaiter();
                        if (freeList.allocate(needed, waiter, fresh)) {
                            freeList.endWait(waiter);
                            waiter = null;
                            applyWrite(firstBlock, count, src, srcPos, found, fresh);
                            return;
                        }
                    }
                    if (!blocked) {
                        blocked = true;
                        counters.increment(Counter.WRITES_BLOCKED_ON_FREELIST);
                    }
                    workAvailable.signal();
                } finally {
                    lock.unlock();
                }
                if (!freeList.await(waiter, deadline)) {
                    throw new WriteCacheException("timed out after " + config.writeTimeout().toMillis()
                        + " ms waiting for a free cache block (" + config.waitPolicy() + " policy)");
                }
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting for a free cache block");
        } finally {
            freeList.endWait(waiter);
        }
    }

    /** Looks up every block of a chunk into {@code found}; @return how many need a fresh block. Lock held. */
    private int blocksNeeded(final long firstBlock, final int count, final int[] found) {
        int needed = 0;
        for (int i = 0; i < count; i++) {
            final int b = index.get(firstBlock + i);
            found[i] = b;
            if (b < 0 || state[b] != BlockState.UNCOMMITTED) {
                needed++;
            }
        }
        return needed;
    }

    /** Writes a chunk whose blocks {@link #blocksNeeded} looked up in this same hold of the lock. */
    private void applyWrite(final long firstBlock, final int count, final ByteBuffer src, final int srcPos,
                            final int[] found, final int[] fresh) {
        int k = 0;
        for (int i = 0; i < count; i++) {
            final long d = firstBlock + i;
            final int b = found[i];
            final int from = srcPos + (i << blockShift);
            if (b >= 0 && state[b] == BlockState.UNCOMMITTED) {
                pm.copyFrom(src, from, layout.blockOffset(b), blockSize);
                layout.flushBlock(b);
                checksums.restamp(b, d, seq);
                counters.increment(Counter.WRITE_HITS_UNCOMMITTED);
            } else {
                final int nb = fresh[k++];
                pm.copyFrom(src, from, layout.blockOffset(nb), blockSize);
                layout.flushBlock(nb);
                layout.writeEntry(nb, d, seq);
                checksums.stamp(nb, d, seq);
                layout.flushEntry(nb);
                if (b >= 0) {
                    supersede(b);
                    counters.increment(Counter.WRITE_HITS_COMMITTED);
                } else {
                    counters.increment(Counter.WRITES_ALLOCATE);
                }
                index.map(d, nb);
                index.linkNewest(nb);
                if (ages != null) {
                    ages.stamp(nb);
                }
                state[nb] = BlockState.UNCOMMITTED;
                if (uncommitted.isEmpty()) {
                    firstUncommittedNanos = clock.nanoTime();
                }
                uncommitted.addInt(nb);
            }
        }
        counters.add(Counter.WRITES, count);
        lastWriteNanos = clock.nanoTime();
        if (uncommitted.size() >= config.autocommitBlocks()) {
            commitLocked();
        }
        if (!writingBack && aboveHighWatermark()) {
            workAvailable.signal();
        }
    }

    /** {@code b} (mapped, committed) has just been replaced by a newer block of the same device block. */
    private void supersede(final int b) {
        index.unmap(b);
        checksums.forget(b);
        if (state[b] == BlockState.WRITEBACK) {
            state[b] = BlockState.SUPERSEDED_WRITEBACK;
        } else {
            state[b] = BlockState.SUPERSEDED;
            superseded.addInt(b);
        }
    }

    // ------------------------------------------------------------------ read path

    void read(final long offset, final ByteBuffer dst) throws IOException {
        final int n = dst.remaining() >> blockShift;
        final long first = offset >> blockShift;
        final int base = dst.position();
        int missStart = -1;
        for (int i = 0; i <= n; i++) {
            final boolean hit;
            if (i < n) {
                lock.lock();
                try {
                    checkUsable();
                    final int b = index.get(first + i);
                    hit = b >= 0;
                    if (hit) {
                        checksums.verifyRead(b, first + i);
                        pm.copyTo(layout.blockOffset(b), dst, base + (i << blockShift), blockSize);
                        counters.increment(Counter.READ_HITS);
                    }
                    counters.increment(Counter.READS);
                } finally {
                    lock.unlock();
                }
            } else {
                hit = true;
            }
            if (!hit && missStart < 0) {
                missStart = i;
            } else if (hit && missStart >= 0) {
                final ByteBuffer slice = dst.duplicate();
                slice.limit(base + (i << blockShift)).position(base + (missStart << blockShift));
                final long from = (first + missStart) << blockShift;
                try {
                    device.read(from, slice);
                } catch (final IOException e) {
                    throw new IOException("read of bytes [" + from + ", " + ((first + i) << blockShift) + ") from "
                        + device.describe() + " failed: " + e.getMessage(), e);
                }
                missStart = -1;
            }
        }
        dst.position(dst.limit());
    }

    // ------------------------------------------------------------------ commit, discard

    /** Commits every write so far and waits until it is durable. */
    void flush(final boolean userRequest) throws IOException {
        lock.lock();
        try {
            checkUsable();
            if (userRequest) {
                counters.increment(Counter.FLUSHES);
            }
            commitLocked();
        } finally {
            lock.unlock();
        }
    }

    private void commitLocked() {
        if (uncommitted.isEmpty() && superseded.isEmpty()) {
            return;
        }
        pm.fence();
        seq++;
        layout.commit(seq);
        for (int i = 0; i < uncommitted.size(); i++) {
            final int b = uncommitted.getInt(i);
            if (state[b] == BlockState.UNCOMMITTED) {
                state[b] = BlockState.COMMITTED;
            }
        }
        uncommitted.clear();
        int n = 0;
        for (int i = 0; i < superseded.size(); i++) {
            final int b = superseded.getInt(i);
            if (state[b] == BlockState.SUPERSEDED) {
                freeCommittedEntry(b);
                if (n == freed.length) {
                    pm.fence();
                    freeList.release(freed, n);
                    n = 0;
                }
                freed[n++] = b;
            }
        }
        superseded.clear();
        if (n > 0) {
            pm.fence();
            freeList.release(freed, n);
        }
        counters.increment(Counter.COMMITS);
        publishGauges();
    }

    private void freeCommittedEntry(final int b) {
        layout.freeEntry(b);
        layout.flushEntry(b);
        state[b] = BlockState.FREE;
    }

    void discard(final long offset, final long length) throws IOException {
        lock.lock();
        try {
            checkUsable();
            counters.add(Counter.DISCARDS, length >> blockShift);
            dropLocked(offset >> blockShift, length >> blockShift);
            publishGauges();
        } finally {
            lock.unlock();
        }
    }

    /** Drops the cached copies of {@code n} device blocks from {@code first}; one in flight is freed when it lands. */
    private void dropLocked(final long first, final long n) {
        int pending = 0;
        for (long i = 0; i < n; i++) {
            final int b = index.get(first + i);
            if (b < 0) {
                continue;
            }
            switch (state[b]) {
                case BlockState.UNCOMMITTED -> {
                    index.unmap(b);
                    layout.freeEntry(b);
                    layout.flushEntry(b);
                    state[b] = BlockState.FREE;
                    freeList.release(b);
                }
                case BlockState.COMMITTED -> {
                    index.unmap(b);
                    checksums.forget(b);
                    freeCommittedEntry(b);
                    freed[pending++] = b;
                    if (pending == freed.length) {
                        pm.fence();
                        freeList.release(freed, pending);
                        pending = 0;
                    }
                }
                case BlockState.WRITEBACK -> {
                    index.unmap(b);
                    state[b] = BlockState.SUPERSEDED_WRITEBACK;
                }
                default -> throw new IllegalStateException("mapped block " + b + " in state " + state[b]);
            }
        }
        if (pending > 0) {
            pm.fence();
            freeList.release(freed, pending);
        }
    }

    /** Cleaner mode: writes straight to the backing device, then drops any cached copy (see the notes). */
    private void writeAround(final long offset, final ByteBuffer src, final boolean fua) throws IOException {
        final long first = offset >> blockShift;
        final int n = src.remaining() >> blockShift;
        writebackLock.lock();
        try {
            lock.lock();
            try {
                checkUsable();
            } finally {
                lock.unlock();
            }
            writeAroundLocked(offset, first, n, src, fua);
        } finally {
            writebackLock.unlock();
        }
        src.position(src.limit());
    }

    private void writeAroundLocked(final long offset, final long first, final int n, final ByteBuffer src,
                                   final boolean fua) throws IOException {
        try {
            device.write(offset, src.duplicate());
            boolean synced = false;
            if (fua) {
                device.sync();
                synced = true;
            }
            while (true) {
                lock.lock();
                try {
                    final boolean cached = anyCached(first, n);
                    if (!cached || synced) {
                        if (cached) {
                            dropLocked(first, n);
                        }
                        counters.add(Counter.WRITES, n);
                        counters.add(Counter.WRITES_AROUND, n);
                        lastWriteNanos = clock.nanoTime();
                        publishGauges();
                        return;
                    }
                } finally {
                    lock.unlock();
                }
                device.sync();
                synced = true;
            }
        } catch (final IOException e) {
            throw new WriteCacheException("write around the cache to " + device.describe() + " at bytes [" + offset
                + ", " + (offset + ((long) n << blockShift)) + ") failed: " + e.getMessage(), e);
        }
    }

    private boolean anyCached(final long first, final int n) {
        for (int i = 0; i < n; i++) {
            if (index.get(first + i) >= 0) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ writeback

    /**
     * Does whatever background work is due now: autocommit by age, then one writeback batch if the cache is above its
     * high watermark (until it falls below the low one) or a flush of everything was asked for.
     *
     * @return the number of blocks committed or written back: 0 means idle.
     */
    int doWork() throws IOException {
        int work = 0;
        lock.lock();
        try {
            if (closed || error != null) {
                return 0;
            }
            if (!uncommitted.isEmpty()
                && clock.nanoTime() - firstUncommittedNanos >= config.autocommitTime().toNanos()) {
                work += uncommitted.size();
                commitLocked();
            }
            publishGauges();
        } finally {
            lock.unlock();
        }
        return work + writebackOnce(cleaner);
    }

    /** Runs one writeback batch if one is due (or {@code all}: if anything is dirty). @return blocks written back. */
    private int writebackOnce(final boolean all) throws IOException {
        writebackLock.lock();
        try {
            lock.lock();
            try {
                checkUsable();
                if (!selectBatch(all)) {
                    return 0;
                }
                publishGauges();
            } finally {
                lock.unlock();
            }
            try {
                batch.write(config.writebackFua());
            } catch (final IOException | RuntimeException | Error e) {
                lock.lock();
                try {
                    abortBatch();
                    backingFailed = true;
                    fail(e.getMessage(), e);
                } finally {
                    lock.unlock();
                }
                if (e instanceof Error err) {
                    throw err;
                }
                throw new WriteCacheException("writeback to " + device.describe() + " failed: " + e.getMessage(), e);
            }
            lock.lock();
            try {
                final int n = completeBatch();
                publishGauges();
                return n;
            } finally {
                lock.unlock();
            }
        } finally {
            writebackLock.unlock();
        }
    }

    private boolean aboveHighWatermark() {
        return (long) (blocks - freeList.available()) * 100 > (long) config.highWatermark() * blocks;
    }

    private boolean selectBatch(final boolean all) {
        final int used = blocks - freeList.available();
        final long lowTarget = (long) config.lowWatermark() * blocks / 100;
        long wanted = Long.MAX_VALUE;
        boolean byAge = false;
        if (!all) {
            if (!writingBack && aboveHighWatermark()) {
                writingBack = true;
            }
            if (writingBack && used <= lowTarget) {
                writingBack = false;
            }
            final long pause = config.pause().toNanos();
            if (pause > 0 && clock.nanoTime() - lastWriteNanos < pause && freeList.available() > 0) {
                return false;
            }
            wanted = writingBack ? used - lowTarget : 0;
            byAge = ages != null;
        }
        batch.clear();
        while (!batch.isFull()) {
            int b = index.oldest();
            if (b < 0 || (batch.size() >= wanted && !(byAge && ages.isOld(b)))) {
                break;
            }
            if (state[b] == BlockState.UNCOMMITTED) {
                commitLocked();
            }
            index.unlink(b);
            state[b] = BlockState.WRITEBACK;
            batch.add(b, index.keyOf(b));
        }
        writebackBlocks = batch.size();
        return batch.size() > 0;
    }

    private int completeBatch() {
        final int n = batch.size();
        int k = 0;
        int written = 0;
        for (int i = 0; i < n; i++) {
            final int b = batch.block(i);
            final boolean failed = batch.failed(b);
            if (state[b] == BlockState.WRITEBACK) {
                if (failed) {
                    keepBad(b);
                    continue;
                }
                index.unmap(b);
            } else if (state[b] != BlockState.SUPERSEDED_WRITEBACK) {
                throw new IllegalStateException("block " + b + " in state " + state[b] + " after writeback");
            }
            freeCommittedEntry(b);
            freed[k++] = b;
            written += failed ? 0 : 1;
        }
        pm.fence();
        freeList.release(freed, k);
        counters.add(Counter.WRITEBACK_BLOCKS, written);
        counters.add(Counter.WRITEBACK_IOS, batch.ios());
        writebackBlocks = 0;
        batch.clear();
        return written;
    }

    /** A dirty block failed its checksum before writeback: kept, mapped and out of the write order (DataChecksums). */
    private void keepBad(final int b) {
        state[b] = BlockState.COMMITTED;
        checksums.markBad(b, index.keyOf(b), "before writeback");
    }

    private void abortBatch() {
        for (int i = batch.size() - 1; i >= 0; i--) {
            final int b = batch.block(i);
            if (state[b] == BlockState.WRITEBACK && batch.failed(b)) {
                keepBad(b);
            } else if (state[b] == BlockState.WRITEBACK) {
                state[b] = BlockState.COMMITTED;
                index.linkOldest(b);
            } else {
                state[b] = BlockState.SUPERSEDED;
                superseded.addInt(b);
            }
        }
        writebackBlocks = 0;
        batch.clear();
    }

    /**
     * Commits, then writes back every dirty block and waits until the backing device holds them durably
     * (dm-writecache's {@code flush} message).
     *
     * @return blocks written back.
     */
    long writebackAll(final FlushProgress progress) throws IOException {
        flush(false);
        final long start = clock.nanoTime();
        long total = 0;
        while (true) {
            final int n = writebackOnce(true);
            total += n;
            final long remaining;
            lock.lock();
            try {
                checkUsable();
                remaining = index.linked() + uncommittedLive();
            } finally {
                lock.unlock();
            }
            if (n > 0) {
                final long nanos = Math.max(1, clock.nanoTime() - start);
                progress.progress(remaining, remaining << blockShift, total,
                    (double) (total << blockShift) * 1e9 / nanos);
            }
            if (n == 0 && remaining == 0) {
                checkNoBadBlocks(total);
                return total;
            }
        }
    }

    /** Ends a full writeback that had to leave bad blocks behind with an exception naming them. */
    private void checkNoBadBlocks(final long written) throws DataChecksumException {
        lock.lock();
        try {
            checksums.requireNoneBad(written, index::keyOf);
        } finally {
            lock.unlock();
        }
    }

    /** @return the device blocks whose cached copies are bad, ascending. */
    long[] badBlocks() {
        lock.lock();
        try {
            return checksums.badDeviceBlocks(index::keyOf);
        } finally {
            lock.unlock();
        }
    }

    /** Turns cleaner mode on or off (dm-writecache's {@code cleaner} message turns it on). */
    void cleaner(final boolean on) {
        lock.lock();
        try {
            cleaner = on;
            publishGauges();
            workAvailable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    boolean isCleaner() {
        return cleaner;
    }

    /** Parks the background thread until work may be due or {@code maxWaitNanos} passes. */
    void awaitWork(final long maxWaitNanos) throws InterruptedException {
        lock.lock();
        try {
            if (!closed && !aboveHighWatermark() && !(cleaner && index.linked() > 0)) {
                workAvailable.await(maxWaitNanos, TimeUnit.NANOSECONDS);
            }
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ state, status, close

    private void checkUsable() throws WriteCacheException {
        if (closed) {
            throw new WriteCacheException("cache is closed");
        }
        if (error != null) {
            throw new WriteCacheException("cache is in the error state: " + error, errorCause);
        }
    }

    private void fail(final String message, final Throwable cause) {
        if (error == null) {
            error = message;
            errorCause = cause;
        }
        publishGauges();
        freeList.close();
        workAvailable.signalAll();
    }

    CacheStatus status() {
        lock.lock();
        try {
            return new CacheStatus(error == null ? 0 : 5, blocks, freeList.available(), writebackBlocks,
                counters.get(Counter.READS), counters.get(Counter.READ_HITS), counters.get(Counter.WRITES),
                counters.get(Counter.WRITE_HITS_UNCOMMITTED), counters.get(Counter.WRITE_HITS_COMMITTED),
                counters.get(Counter.WRITES_AROUND), counters.get(Counter.WRITES_ALLOCATE),
                counters.get(Counter.WRITES_BLOCKED_ON_FREELIST), counters.get(Counter.FLUSHES),
                counters.get(Counter.DISCARDS), index.mapped(),
                uncommittedLive(), counters.get(Counter.COMMITS), seq, counters.get(Counter.WRITEBACK_BLOCKS),
                cleaner, recovery.committed(), recovery.uncommitted(), recovery.duplicates(),
                counters.get(Counter.CHECKSUM_ERRORS), checksums.badCount(), error);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Publishes the current state to the gauges (read by other processes through the counters file): after every
     * commit, writeback batch, discard and background tick, so a reader sees state at most one tick old, and never on
     * the per-write path.
     */
    private void publishGauges() {
        counters.set(Gauge.ERROR, error == null ? 0 : 5);
        counters.set(Gauge.BLOCKS, blocks);
        counters.set(Gauge.FREE_BLOCKS, freeList.available());
        counters.set(Gauge.WRITEBACK_BLOCKS, writebackBlocks);
        counters.set(Gauge.DIRTY_BLOCKS, index.mapped());
        counters.set(Gauge.UNCOMMITTED_BLOCKS, uncommitted.size());
        counters.set(Gauge.SEQ_COUNT, seq);
        counters.set(Gauge.CLEANER, cleaner ? 1 : 0);
        counters.set(Gauge.BAD_BLOCKS, checksums.badCount());
    }

    private int uncommittedLive() {
        int n = 0;
        for (int i = 0; i < uncommitted.size(); i++) {
            if (state[uncommitted.getInt(i)] == BlockState.UNCOMMITTED) {
                n++;
            }
        }
        return n;
    }

    void clearStats() {
        counters.clear();
        freeList.clearWaitStats();
    }

    WaitStats waitStats() {
        return freeList.waitStats();
    }

    /**
     * Commits what is uncommitted and stops accepting requests. In the error state it commits only if the error came
     * from the backing device (the cache media and metadata are sound, and the writes were acknowledged); after an
     * inconsistency found by recovery it changes nothing.
     */
    void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            if (error == null || backingFailed) {
                commitLocked();
            }
            closed = true;
            freeList.close();
            workAvailable.signalAll();
        } finally {
            lock.unlock();
        }
        writebackLock.lock();
        try {
            batch.close();
        } finally {
            writebackLock.unlock();
        }
    }

    boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }
}
