package org.writecache.crash;

import java.util.ArrayList;
import java.util.List;

/**
 * What a crash at a given cut point may leave readable, from a record of what the workload was told.
 *
 * <p>Everything is measured in persistent-memory events: an operation that started when the count was {@code s} and
 * returned when it was {@code a} is recorded with both. A durability point says: every write acknowledged by event
 * {@code covers} is durable in any crash at or after event {@code durableAt}, and in any crash whose image holds a
 * commit count of at least {@code seq} (the cache's count when the point was taken: that commit, or an earlier one,
 * committed those writes, so an image that shows it must show them, even if the operation had not returned yet). A
 * FUA write, a flush, a writeback or a close cover everything acknowledged up to their own return; an autocommit seen
 * during a multi-block write covers only what was acknowledged before that write started, since its later chunks may
 * follow the commit.
 *
 * <p>A run starts from known versions: version 0 everywhere for a new cache, or, for a run that continues from a
 * crash image, what the recovered cache read ({@code initial}) and what its backing device held ({@code onDevice}).
 *
 * <p>The rules, per device block, for a crash at cut {@code c}:
 * <ul>
 *   <li>Let L be the latest write to the block covered by a durability point reached by {@code c}. If no discard of
 *       the block started after L was acknowledged and before {@code c}, the block must read as L or as a write to it
 *       started after L and before {@code c}.</li>
 *   <li>With no durable write and no discard, it must read as its initial version or as any write to it started
 *       before {@code c}.</li>
 *   <li>After a discard (which hands the block back to whatever the backing device holds), it may also read as the
 *       version the backing device held at the start, and as any write to it started before {@code c}.</li>
 *   <li>In every case it must read as exactly one version of that block: never torn, never another block's data.</li>
 * </ul>
 */
final class CrashOracle {
    private record Write(int version, long start, long ack) {
    }

    private record Discard(long start) {
    }

    private record DurabilityPoint(long covers, long durableAt, long seq) {
    }

    private final List<List<Write>> writes = new ArrayList<>();
    private final List<List<Discard>> discards = new ArrayList<>();
    private final List<DurabilityPoint> points = new ArrayList<>();
    private final int blockSize;
    private final int[] initial;
    private final int[] onDevice;
    private long writeCount;

    /** For a new cache in front of a device holding version 0 of every block. */
    CrashOracle(final int deviceBlocks, final int blockSize) {
        this(new int[deviceBlocks], new int[deviceBlocks], blockSize);
    }

    /**
     * @param initial  per device block, the version a read returns at the start.
     * @param onDevice per device block, the version the backing device holds at the start.
     */
    CrashOracle(final int[] initial, final int[] onDevice, final int blockSize) {
        this.blockSize = blockSize;
        this.initial = initial.clone();
        this.onDevice = onDevice.clone();
        for (int i = 0; i < initial.length; i++) {
            writes.add(new ArrayList<>());
            discards.add(new ArrayList<>());
        }
    }

    void write(final int block, final int version, final long start, final long ack) {
        writes.get(block).add(new Write(version, start, ack));
        writeCount++;
    }

    void discard(final int block, final long start) {
        discards.get(block).add(new Discard(start));
    }

    void durable(final long covers, final long durableAt, final long seq) {
        points.add(new DurabilityPoint(covers, durableAt, seq));
    }

    long writeCount() {
        return writeCount;
    }

    int durabilityPoints() {
        return points.size();
    }

    /**
     * Checks the contents of every device block, read after recovery from a crash at {@code cut}.
     *
     * @param seq  the commit count the image holds.
     * @param data the whole device as read through the recovered cache.
     * @throws AssertionError naming the first block that breaks a rule, what it holds and what was allowed.
     */
    void check(final long cut, final long seq, final byte[] data) {
        long covered = -1;
        for (final DurabilityPoint p : points) {
            if (p.durableAt() <= cut || p.seq() <= seq) {
                covered = Math.max(covered, p.covers());
            }
        }
        for (int block = 0; block < writes.size(); block++) {
            final int at = block * blockSize;
            final int version = BlockContent.versionOf(data, at, blockSize, block);
            if (version == BlockContent.INVALID) {
                throw new AssertionError("cut " + cut + ": device block " + block + " is torn or foreign: "
                    + BlockContent.describe(data, at));
            }
            checkBlock(cut, covered, block, version);
        }
    }

    private void checkBlock(final long cut, final long covered, final int block, final int version) {
        final List<Write> ws = writes.get(block);
        int latest = -1;
        for (int i = 0; i < ws.size() && ws.get(i).ack() <= covered; i++) {
            latest = i;
        }
        boolean discarded = false;
        for (final Discard d : discards.get(block)) {
            if (d.start() < cut && (latest < 0 || d.start() >= ws.get(latest).ack())) {
                discarded = true;
                break;
            }
        }
        final List<Integer> allowed = new ArrayList<>();
        if (latest >= 0 && !discarded) {
            allowed.add(ws.get(latest).version());
            for (int i = latest + 1; i < ws.size() && ws.get(i).start() < cut; i++) {
                allowed.add(ws.get(i).version());
            }
        } else {
            allowed.add(initial[block]);
            if (discarded) {
                allowed.add(onDevice[block]);
            }
            for (int i = 0; i < ws.size() && ws.get(i).start() < cut; i++) {
                allowed.add(ws.get(i).version());
            }
        }
        if (!allowed.contains(version)) {
            throw new AssertionError("cut " + cut + ": device block " + block + " reads version " + version
                + " but only " + allowed + " are allowed ("
                + (latest >= 0 ? "durable version " + ws.get(latest).version() + " acknowledged at event "
                    + ws.get(latest).ack() : "no durable write") + (discarded ? ", discarded since" : "") + ")");
        }
    }
}
