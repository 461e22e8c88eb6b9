package org.writecache.pmem.crash;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.SplittableRandom;
import org.writecache.pmem.HeapPersistentMemory;
import org.writecache.pmem.PersistentMemory;

/**
 * A heap-backed {@link PersistentMemory} that records every store, flush and fence, and then produces the media
 * images a crash could leave under the x86 persistence model, in the manner of PMDK's pmreorder.
 *
 * <p>Use: run the code under test against this region (loads see everything stored, as the CPU would); whenever the
 * code acknowledges something (a write is durable), note {@link #eventCount()}. Then call
 * {@link #forEachCrashImage} with a check that runs recovery on each image and asserts that everything acknowledged
 * before the crash ({@link CrashImage#crashedAfter}) survived. A failing image is reported with a replay string;
 * {@link #rebuild} turns it back into the same image for debugging.
 *
 * <p>The model. Stores are recorded as the 8-byte words they change, in ascending address order within one call,
 * so a copy or fill can tear at any word and an aligned 8-byte store (putLongAtomic, aligned putLong) never tears.
 * A line flushed and then fenced is on media with at least its content as of the flush. Every other dirty line may or
 * may not have reached media, in any combination, and how much of it did depends on the {@link Tearing} mode. A
 * fence completes the flushes of every thread (on real hardware only the issuing thread's): the simulator is exact for
 * one thread and optimistic for several, whose calls it serialises.
 *
 * <p>The walk. {@link #forEachCrashImage} walks the log once, forward, keeping the guaranteed media image and each
 * dirty line's pending word stores ({@link MediaWalker}); at each cut point it enumerates or samples the pending
 * choices ({@link ChoiceSpace}) and writes each choice over a copy of the guaranteed image. The cost of an image is
 * one copy of the region plus the pending words it applies; nothing is replayed from the start.
 *
 * <p>Memory: recording keeps the initial and the current image (two regions) and the log (17 bytes per event and
 * 16 bytes per changed word); a walk adds the guaranteed image (one region), 4 bytes per pending word store and
 * about 20 bytes per line, plus one region per image, which the consumer owns. A region must be a multiple of 8
 * bytes.
 */
public final class CrashSimulatingMemory implements PersistentMemory {
    private final HeapPersistentMemory initial;
    private final HeapPersistentMemory current;
    private final EventLog log = new EventLog();
    private long[] before = new long[64];
    private boolean closed;

    /**
     * A zero-filled region, all of it on media.
     *
     * @param size bytes, a positive multiple of 8.
     * @throws IllegalArgumentException naming a bad size.
     */
    public CrashSimulatingMemory(final long size) {
        this(new HeapPersistentMemory(checkSize(size)));
    }

    /**
     * A region holding a copy of {@code durableImage}, all of it on media (a previous crash image, say).
     *
     * @param durableImage the initial contents; its length is the size, a positive multiple of 8.
     * @throws IllegalArgumentException naming a bad size.
     */
    public CrashSimulatingMemory(final byte[] durableImage) {
        this(new HeapPersistentMemory(durableImageChecked(durableImage)));
    }

    private CrashSimulatingMemory(final HeapPersistentMemory initial) {
        this.initial = initial;
        this.current = initial.copy();
    }

    private static long checkSize(final long size) {
        if (size <= 0 || size % Long.BYTES != 0) {
            throw new IllegalArgumentException("crash simulation size must be a positive multiple of 8: " + size);
        }
        return size;
    }

    private static byte[] durableImageChecked(final byte[] image) {
        checkSize(image.length);
        return image;
    }

    /**
     * @return the number of events (stores, flushes, fences) recorded so far. Take it when the code under test
     *     acknowledges something; crash images with {@link CrashImage#crashedAfter} that count must show it.
     */
    public synchronized long eventCount() {
        return log.events();
    }

    /** @return a copy of what the program sees now: every store applied, durable or not. */
    public HeapPersistentMemory visibleImage() {
        return current.copy();
    }

    /**
     * Produces crash images of the whole log recorded so far, as {@code plan} says, and gives each to
     * {@code consumer}. Recording waits while the walk runs.
     *
     * @return counts and time of the walk.
     * @throws CrashImageFailure if the consumer rejects an image; its message has the image's replay string.
     */
    public synchronized CrashWalkStats forEachCrashImage(final CrashPlan plan, final CrashImageConsumer consumer) {
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(consumer, "consumer");
        final long start = System.nanoTime();
        final MediaWalker walker = new MediaWalker(log, initial);
        final int end = log.events();
        long cuts = 0;
        long images = 0;
        long sampled = 0;
        int maxPending = 0;
        for (int cut = 0; cut <= end; cut++) {
            if (plan.cutPoints() == CutPoints.FENCES && cut < end && log.kind(cut) != EventLog.FENCE) {
                continue;
            }
            walker.advanceTo(cut);
            final ChoiceSpace space = ChoiceSpace.at(walker, plan.tearing());
            final long combinations = space.combinations();
            final boolean exhaustive = combinations <= plan.exhaustiveLimit();
            final long count = exhaustive ? combinations : plan.samplesPerCut();
            final SplittableRandom random = new SplittableRandom(plan.seed() * 0x9E3779B97F4A7C15L + cut);
            final int[] choice = new int[space.dimensions()];
            for (long k = 0; k < count; k++) {
                if (exhaustive) {
                    space.decode(k, choice);
                } else {
                    space.sample(k, random, choice);
                }
                final HeapPersistentMemory image = walker.floorCopy();
                space.apply(choice, image);
                final String replay = new Replay(cut, walker.logHash(), plan.tearing(), plan.seed(), k,
                    space.format(choice)).format();
                try {
                    consumer.accept(new CrashImage(cut, image, replay, space.pendingLines()));
                } catch (final RuntimeException | AssertionError e) {
                    throw new CrashImageFailure(replay, e);
                }
            }
            cuts++;
            images += count;
            sampled += exhaustive ? 0 : 1;
            maxPending = Math.max(maxPending, space.pendingLines());
        }
        return new CrashWalkStats(cuts, images, sampled, maxPending, System.nanoTime() - start);
    }

    /**
     * Rebuilds the image a replay string describes, from the log recorded so far.
     *
     * @param replay a replay string from {@link CrashImage#replay()} or a {@link CrashImageFailure}.
     * @return a fresh region holding that image.
     * @throws IllegalArgumentException if the string is malformed, its cut point lies beyond the log, the log up to
     *     it differs from the one the string came from, or a choice names nothing pending there.
     */
    public synchronized HeapPersistentMemory rebuild(final String replay) {
        final Replay parsed = Replay.parse(replay);
        if (parsed.cut() < 0 || parsed.cut() > log.events()) {
            throw new IllegalArgumentException("replay cut " + parsed.cut() + " is outside the " + log.events()
                + " events recorded: " + replay);
        }
        final MediaWalker walker = new MediaWalker(log, initial);
        walker.advanceTo(parsed.cut());
        if (walker.logHash() != parsed.logHash()) {
            throw new IllegalArgumentException("the log up to event " + parsed.cut() + " hashes to "
                + Long.toHexString(walker.logHash()) + ", not to the replay's " + Long.toHexString(parsed.logHash())
                + ": the replay string comes from another run: " + replay);
        }
        final ChoiceSpace space = ChoiceSpace.at(walker, parsed.tearing());
        final HeapPersistentMemory image = walker.floorCopy();
        space.apply(space.parse(parsed.choices()), image);
        return image;
    }

    /** One recorded store: checks, the store itself (which may still reject its arguments), then the changed words. */
    private synchronized void store(final long offset, final long length, final Runnable apply) {
        ensureOpen();
        Objects.checkFromIndexSize(offset, length, current.size());
        final long from = offset & -Long.BYTES;
        final int words = (int) ((((offset + length + Long.BYTES - 1) & -Long.BYTES) - from) / Long.BYTES);
        if (before.length < words) {
            before = new long[Math.max(words, before.length * 2)];
        }
        for (int i = 0; i < words; i++) {
            before[i] = current.getLong(from + (long) i * Long.BYTES);
        }
        apply.run();
        log.beginStore();
        for (int i = 0; i < words; i++) {
            final long word = from + (long) i * Long.BYTES;
            final long value = current.getLong(word);
            if (value != before[i]) {
                log.addWord(word, value);
            }
        }
        log.endStore();
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("persistent memory is closed: " + describe());
        }
    }

    @Override
    public long size() {
        return current.size();
    }

    @Override
    public long getLong(final long offset) {
        return current.getLong(offset);
    }

    @Override
    public void putLong(final long offset, final long value) {
        store(offset, Long.BYTES, () -> current.putLong(offset, value));
    }

    @Override
    public int getInt(final long offset) {
        return current.getInt(offset);
    }

    @Override
    public void putInt(final long offset, final int value) {
        store(offset, Integer.BYTES, () -> current.putInt(offset, value));
    }

    @Override
    public long getLongAtomic(final long offset) {
        return current.getLongAtomic(offset);
    }

    @Override
    public void putLongAtomic(final long offset, final long value) {
        if ((offset & 7) != 0) {
            throw new IllegalArgumentException("atomic 8-byte access needs an 8-byte aligned offset: " + offset);
        }
        store(offset, Long.BYTES, () -> current.putLongAtomic(offset, value));
    }

    @Override
    public void copyFrom(final ByteBuffer src, final int srcIndex, final long offset, final int length) {
        store(offset, length, () -> current.copyFrom(src, srcIndex, offset, length));
    }

    @Override
    public void copyFrom(final byte[] src, final int srcIndex, final long offset, final int length) {
        store(offset, length, () -> current.copyFrom(src, srcIndex, offset, length));
    }

    @Override
    public void copyTo(final long offset, final ByteBuffer dst, final int dstIndex, final int length) {
        current.copyTo(offset, dst, dstIndex, length);
    }

    @Override
    public void copyTo(final long offset, final byte[] dst, final int dstIndex, final int length) {
        current.copyTo(offset, dst, dstIndex, length);
    }

    @Override
    public int crc32c(final long offset, final int length) {
        return current.crc32c(offset, length);
    }

    @Override
    public void fill(final long offset, final long length, final byte value) {
        store(offset, length, () -> current.fill(offset, length, value));
    }

    /** Records a flush of the lines covering the range; it is checked as on any region. */
    @Override
    public synchronized void flush(final long offset, final long length) {
        ensureOpen();
        Objects.checkFromIndexSize(offset, length, current.size());
        log.addFlush(offset, length);
    }

    /** Records a fence: every line flushed before it is durable with its content as of its flush. */
    @Override
    public synchronized void fence() {
        log.addFence();
    }

    @Override
    public String describe() {
        return "crash simulation (" + current.size() + " bytes, " + eventCount() + " events)";
    }

    /** Closes the visible region; the log stays, so images can still be produced and rebuilt. Idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        current.close();
    }

    @Override
    public String toString() {
        return describe();
    }
}
