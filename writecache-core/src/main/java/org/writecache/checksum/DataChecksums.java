package org.writecache.checksum;

import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.IntConsumer;
import java.util.function.IntPredicate;
import java.util.function.IntToLongFunction;
import java.util.zip.CRC32C;

import org.agrona.collections.IntHashSet;
import org.writecache.DataChecksumException;
import org.writecache.format.CacheLayout;
import org.writecache.stats.Counter;
import org.writecache.stats.Counters;
import org.writecache.stats.Gauge;

/**
 * Everything the engine does with data checksums, as a few calls: stamp a block's checksum when its data is written,
 * verify a block where data leaves the cache (a read, writeback, a scrub), and keep the bad blocks. A cache formatted
 * without data checksums gets an instance whose calls do nothing (and cost a branch).
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li><b>Stamp</b> right after the data is copied in, computed from the bytes in the cache (so the checksum
 *       describes exactly what is stored), before the entry is flushed and published: {@link #stamp} for a new
 *       block (its entry is flushed by the caller), {@link #restamp} for an uncommitted block overwritten in place
 *       (one aligned 8-byte store of the checksum word, then a flush of the entry). The commit fence orders both
 *       before the commit word, so a committed entry always carries the checksum of its data.</li>
 *   <li><b>Verify</b> where data leaves the cache: {@link #verifyRead} checks a block in place just before a read
 *       copies it out (the engine keeps it from changing in between) and throws {@link DataChecksumException} on a
 *       mismatch, so no byte of it reaches the caller; {@link #verifyCopy} checks the copy of a block staged for
 *       writeback, exactly the bytes the device would get; a block that fails is not written.</li>
 *   <li><b>Bad blocks</b>: a dirty block that fails before writeback (or in a scrub) is {@link #markBad marked
 *       bad}: the engine keeps it mapped and out of the write order, so it is never written back and every read of it
 *       fails, and {@link #badCount()} reports it. A write of the block replaces it (the engine supersedes the bad
 *       copy: {@link #forget}); a discard drops it ({@link #forget}), after which the block reads as the backing
 *       device holds it. Bad marks live in memory only: after a reopen, the next read, writeback or scrub finds the
 *       block again.</li>
 * </ul>
 *
 * <p>The bad-block set and {@link #markBad}/{@link #forget} are guarded by the engine's lock; the verify and stamp
 * calls touch only the block given and may run outside it. An engine that copies data outside its lock stamps after
 * the copy and before it publishes the entry (the stamp then goes out with the entry's flush); a read that copies
 * without the lock verifies, copies, and then validates that the block did not change meanwhile, retrying if it did.
 */
public final class DataChecksums {
    private static final System.Logger LOG = System.getLogger(DataChecksums.class.getName());
    /** Blocks between two progress lines of a scrub. */
    static final int SCRUB_PROGRESS_STEP = 1 << 18;

    private final CacheLayout layout;
    private final boolean enabled;
    private final boolean verifyReads;
    private final int blockSize;
    private final Counters counters;
    private final IntHashSet bad = new IntHashSet();

    /**
     * @param layout      the cache; its format decides whether there are checksums at all.
     * @param verifyReads whether {@link #verifyRead} checks the data of every read ({@code data.verify.reads}).
     * @param counters    where checksum errors are counted and the bad blocks published.
     */
    public DataChecksums(final CacheLayout layout, final boolean verifyReads, final Counters counters) {
        this.layout = layout;
        this.enabled = layout.dataChecksum().enabled();
        this.verifyReads = enabled && verifyReads;
        this.blockSize = layout.blockSize();
        this.counters = counters;
    }

    /** @return whether the cache keeps data checksums. */
    public boolean enabled() {
        return enabled;
    }

    /** Stores the checksum of data block {@code block}, just written for {@code deviceBlock} at {@code seq}; no flush. */
    public void stamp(final int block, final long deviceBlock, final long seq) {
        if (enabled) {
            layout.writeDataCrc(block, deviceBlock, seq, layout.dataCrc(block));
        }
    }

    /** {@link #stamp} for an uncommitted block overwritten in place, then flushes its entry. */
    public void restamp(final int block, final long deviceBlock, final long seq) {
        if (enabled) {
            stamp(block, deviceBlock, seq);
            layout.flushEntry(block);
        }
    }

    /**
     * Verifies cache block {@code block} (holding {@code deviceBlock}) in the cache, before a read copies it out: the
     * copy then reads the block from the processor's cache, so the verification costs one pass over cached bytes
     * whichever comes first. The caller must keep the block from changing between this and its copy (the engine lock;
     * a lock-free read validates its copy afterwards and retries).
     *
     * @throws DataChecksumException naming both blocks if the block does not match its checksum or is known to be
     *                               bad: nothing of it may reach the caller.
     */
    public void verifyRead(final int block, final long deviceBlock) throws DataChecksumException {
        if (verifyReads ? verify(block) : bad.isEmpty() || !bad.contains(block)) {
            return;
        }
        if (verifyReads) {
            counters.increment(Counter.CHECKSUM_ERRORS);
        }
        throw new DataChecksumException("cached copy of device block " + deviceBlock + " (bytes "
            + deviceBlock * blockSize + " to " + ((deviceBlock + 1) * blockSize - 1) + ") in cache block " + block
            + " fails its data checksum: not returned", deviceBlock, block);
    }

    /**
     * @return whether the copy of cache block {@code block} staged at {@code index} of {@code buf} matches its
     *     checksum; a mismatch is counted. Always true without checksums.
     */
    public boolean verifyCopy(final int block, final ByteBuffer buf, final int index) {
        if (!enabled || matches(block, buf, index)) {
            return true;
        }
        counters.increment(Counter.CHECKSUM_ERRORS);
        return false;
    }

    /** @return whether data block {@code block}, as it is in the cache, matches its checksum. */
    public boolean verify(final int block) {
        if (!enabled) {
            return true;
        }
        final long stored = layout.storedDataCrc(block);
        return stored >= 0 && layout.dataCrc(block) == (int) stored;
    }

    private boolean matches(final int block, final ByteBuffer buf, final int index) {
        final long stored = layout.storedDataCrc(block);
        if (stored < 0) {
            return false;
        }
        final CRC32C crc = new CRC32C();
        crc.update(buf.slice(index, blockSize));
        return (int) crc.getValue() == (int) stored;
    }

    /** Records dirty block {@code block} (holding {@code deviceBlock}) as bad, found by {@code where}. Engine lock held. */
    public void markBad(final int block, final long deviceBlock, final String where) {
        if (bad.add(block)) {
            counters.set(Gauge.BAD_BLOCKS, bad.size());
            LOG.log(Level.WARNING, "device block " + deviceBlock + " in cache block " + block + " failed its data "
                + "checksum " + where + ": kept in the cache as a bad block, never written back; reads of it fail "
                + "until it is overwritten or discarded");
        }
    }

    /** Block {@code block} no longer holds its device block (overwritten, discarded): not bad. Engine lock held. */
    public void forget(final int block) {
        if (!bad.isEmpty() && bad.remove(block)) {
            counters.set(Gauge.BAD_BLOCKS, bad.size());
        }
    }

    /** @return whether {@code block} is marked bad. Engine lock held. */
    public boolean isBad(final int block) {
        return !bad.isEmpty() && bad.contains(block);
    }

    /** @return the number of bad blocks. Engine lock held. */
    public int badCount() {
        return bad.size();
    }

    /** @return the bad cache blocks, ascending. Engine lock held. */
    public int[] badBlocks() {
        final int[] out = new int[bad.size()];
        int k = 0;
        for (final IntHashSet.IntIterator it = bad.iterator(); it.hasNext(); ) {
            out[k++] = it.nextValue();
        }
        Arrays.sort(out);
        return out;
    }

    /** @return the device blocks the bad cache blocks hold ({@code deviceBlockOf}), ascending. Engine lock held. */
    public long[] badDeviceBlocks(final IntToLongFunction deviceBlockOf) {
        return Arrays.stream(badBlocks()).mapToLong(deviceBlockOf).sorted().toArray();
    }

    /**
     * Ends a full writeback that wrote {@code written} blocks: fine if no block is bad. Engine lock held.
     *
     * @throws DataChecksumException naming how many blocks were left in the cache and the first of them.
     */
    public void requireNoneBad(final long written, final IntToLongFunction deviceBlockOf)
        throws DataChecksumException {
        if (bad.isEmpty()) {
            return;
        }
        final int b = badBlocks()[0];
        final long d = deviceBlockOf.applyAsLong(b);
        throw new DataChecksumException(written + " blocks written back, but " + bad.size() + " dirty block(s) failed "
            + "their data checksum and stay in the cache, not written back (device block " + d + " in cache block "
            + b + " first): overwrite or discard them", d, b);
    }

    /**
     * Verifies every block {@code dirty} accepts (a scrub, {@code scrub.on.open}); each that fails is counted, marked
     * bad and passed to {@code onBad}. Logs progress every {@value #SCRUB_PROGRESS_STEP} blocks. Engine lock held.
     *
     * @param deviceBlockOf the device block a cache block holds, for the messages.
     * @return blocks found bad.
     */
    public int scrub(final IntPredicate dirty, final IntToLongFunction deviceBlockOf,
                     final IntConsumer onBad) {
        if (!enabled) {
            return 0;
        }
        final int n = layout.blockCount();
        final long start = System.nanoTime();
        int found = 0;
        int checked = 0;
        for (int b = 0; b < n; b++) {
            if ((b + 1) % SCRUB_PROGRESS_STEP == 0) {
                LOG.log(Level.INFO, "scrub: " + (b + 1) + " of " + n + " cache blocks, " + checked + " verified, "
                    + found + " bad");
            }
            if (!dirty.test(b)) {
                continue;
            }
            checked++;
            if (!verify(b)) {
                counters.increment(Counter.CHECKSUM_ERRORS);
                markBad(b, deviceBlockOf.applyAsLong(b), "in a scrub at open");
                onBad.accept(b);
                found++;
            }
        }
        LOG.log(Level.INFO, "scrub: " + checked + " dirty blocks verified in " + (System.nanoTime() - start) / 1_000_000
            + " ms, " + found + " bad");
        return found;
    }
}
