package org.writecache.bench.baseline;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.writecache.BlockDevice;
import org.writecache.BlockDevices;
import org.writecache.WriteCacheConfig;
import org.writecache.bench.ScratchFiles;
import org.writecache.bench.harness.Measurement;
import org.writecache.bench.harness.Progress;
import org.writecache.bench.harness.Runner;
import org.writecache.pmem.FlushPolicy;
import org.writecache.pmem.MappedPersistentMemory;
import org.writecache.pmem.PersistentMemory;

/**
 * What the hardware gives without any cache logic, measured in the same run as the cache so each cache figure can be
 * read as a ratio to its ceiling: copies, flushes and the bare commit protocol on a pre-faulted mapping of the same
 * kind as the cache file, and positional I/O on the backing file.
 */
public final class Baselines {
    /** Copy to a random block of the mapping. */
    public static final String COPY_RAND = "copy-rand";
    /** Copy to the next block of the mapping. */
    public static final String COPY_SEQ = "copy-seq";
    /** Copy plus flush and fence of the block. */
    public static final String COPY_FLUSH = "copy-flush";
    /** Copy, flush, fence, 8-byte commit store, flush and fence of its line. */
    public static final String COMMIT = "commit-protocol";
    /** Read of a random block of the mapping. */
    public static final String PMEM_READ = "pmem-read";
    /** Positional write plus {@code force} on the backing file. */
    public static final String FILE_WRITE_FORCE = "file-write-force";
    /** Positional write without force on the backing file. */
    public static final String FILE_WRITE = "file-write";
    /** Positional read of a warm block of the backing file. */
    public static final String FILE_READ = "file-read";
    /** Sequential write of a region of the backing file in 1 MiB writes plus one force. */
    public static final String FILE_SEQ_WRITE = "file-seq-write";

    private static final int CHUNK = 1 << 20;

    private final Path pmemFile;
    private final long pmemSize;
    private final WriteCacheConfig backing;
    private final ScratchFiles scratch;
    private final long region;
    private final int blockSize;
    private final List<FlushPolicy> flushPolicies;

    /**
     * @param pmemFile      scratch file for the mapping (next to the cache file, same file system); deleted after if
     *                      the bench created it.
     * @param pmemSize      its size.
     * @param backing       a configuration naming the bench's backing device (a file or a URI), already holding
     *                      {@code region} written bytes; it is opened as the cache would open it.
     * @param region        bytes of the backing file to use.
     * @param blockSize     size of one operation.
     * @param flushPolicies the flush policies to measure the flushing baselines under.
     * @param scratch       the bench's files: {@code pmemFile} is claimed there, and released after use.
     */
    public Baselines(final Path pmemFile, final long pmemSize, final WriteCacheConfig backing, final long region,
                     final int blockSize, final List<FlushPolicy> flushPolicies, final ScratchFiles scratch) {
        this.pmemFile = pmemFile;
        this.pmemSize = pmemSize;
        this.backing = backing;
        this.scratch = scratch;
        this.region = region;
        this.blockSize = blockSize;
        this.flushPolicies = List.copyOf(flushPolicies);
    }

    /** @return the number of steps {@link #run} reports to its progress. */
    public int steps() {
        return 7 + 2 * flushPolicies.size();
    }

    /** Runs every baseline once. */
    public List<Measurement> run(final Runner runner, final Progress progress) throws IOException {
        final List<Measurement> out = new ArrayList<>();
        final long blocks = pmemSize / blockSize;
        try {
            for (int i = 0; i < flushPolicies.size(); i++) {
                final FlushPolicy policy = flushPolicies.get(i);
                try (MappedPersistentMemory pm = MappedPersistentMemory.create(pmemFile, pmemSize, policy, true)) {
                    final Map<String, String> flush = Map.of("flush", label(pm.flushPolicy()));
                    if (i == 0) {
                        progress.step("baseline", COPY_RAND);
                        out.add(runner.measure(COPY_RAND, Map.of(), 1, (t, n) -> {
                            final ByteBuffer src = block();
                            return r -> {
                                pm.copyFrom(src, 0, 2 * (long) blockSize + r.nextLong(blocks - 2) * blockSize,
                                    blockSize);
                                return blockSize;
                            };
                        }));
                        progress.step("baseline", COPY_SEQ);
                        out.add(runner.measure(COPY_SEQ, Map.of(), 1, (t, n) -> {
                            final ByteBuffer src = block();
                            final long[] next = {0};
                            return r -> {
                                pm.copyFrom(src, 0, 2 * (long) blockSize + next[0] * blockSize, blockSize);
                                next[0] = (next[0] + 1) % (blocks - 2);
                                return blockSize;
                            };
                        }));
                        progress.step("baseline", PMEM_READ);
                        out.add(runner.measure(PMEM_READ, Map.of(), 1, (t, n) -> {
                            final ByteBuffer dst = block();
                            return r -> {
                                pm.copyTo(2 * (long) blockSize + r.nextLong(blocks - 2) * blockSize, dst, 0,
                                    blockSize);
                                return blockSize;
                            };
                        }));
                    }
                    progress.step("baseline", COPY_FLUSH + " " + flush);
                    out.add(runner.measure(COPY_FLUSH, flush, 1, (t, n) -> {
                        final ByteBuffer src = block();
                        return r -> {
                            final long at = 2 * (long) blockSize + r.nextLong(blocks - 2) * blockSize;
                            pm.copyFrom(src, 0, at, blockSize);
                            pm.flush(at, blockSize);
                            pm.fence();
                            return blockSize;
                        };
                    }));
                    progress.step("baseline", COMMIT + " " + flush);
                    out.add(runner.measure(COMMIT, flush, 1, (t, n) -> commitProtocol(pm, blocks)));
                }
            }
        } finally {
            scratch.release(pmemFile);
        }
        out.addAll(file(runner, progress));
        return out;
    }

    private org.writecache.bench.harness.Operation commitProtocol(final PersistentMemory pm, final long blocks) {
        final ByteBuffer src = block();
        final long[] seq = {0};
        return r -> {
            final long at = 2 * (long) blockSize + r.nextLong(blocks - 2) * blockSize;
            pm.copyFrom(src, 0, at, blockSize);
            pm.flush(at, blockSize);
            pm.fence();
            pm.putLongAtomic(0, ++seq[0]);
            pm.flush(0, Long.BYTES);
            pm.fence();
            return blockSize;
        };
    }

    private List<Measurement> file(final Runner runner, final Progress progress) throws IOException {
        final List<Measurement> out = new ArrayList<>();
        final long blocks = region / blockSize;
        try (BlockDevice d = BlockDevices.open(backing, false)) {
            progress.step("baseline", FILE_WRITE_FORCE);
            out.add(runner.measure(FILE_WRITE_FORCE, Map.of(), 1, (t, n) -> {
                final ByteBuffer src = block();
                return r -> {
                    d.write(r.nextLong(blocks) * blockSize, src.clear());
                    d.sync();
                    return blockSize;
                };
            }));
            progress.step("baseline", FILE_WRITE);
            out.add(runner.measure(FILE_WRITE, Map.of(), 1, (t, n) -> {
                final ByteBuffer src = block();
                return r -> {
                    d.write(r.nextLong(blocks) * blockSize, src.clear());
                    return blockSize;
                };
            }));
            progress.step("baseline", FILE_READ);
            out.add(runner.measure(FILE_READ, Map.of(), 1, (t, n) -> {
                final ByteBuffer dst = block();
                return r -> {
                    d.read(r.nextLong(blocks) * blockSize, dst.clear());
                    return blockSize;
                };
            }));
            progress.step("baseline", FILE_SEQ_WRITE);
            out.add(Runner.once(FILE_SEQ_WRITE, Map.of(), r -> sequentialWrite(d, region)));
        }
        return out;
    }

    /**
     * Writes {@code length} bytes from offset 0 in 1 MiB writes (queued: a device that can keeps several in flight),
     * then syncs: the backing bandwidth.
     */
    public static long sequentialWrite(final BlockDevice d, final long length) throws IOException {
        final ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK);
        long done = 0;
        while (done < length) {
            final int n = (int) Math.min(CHUNK, length - done);
            d.writeQueued(done, chunk.clear().limit(n));
            done += n;
        }
        d.sync();
        return done;
    }

    private ByteBuffer block() {
        final ByteBuffer b = ByteBuffer.allocate(blockSize);
        for (int i = 0; i < blockSize; i++) {
            b.put(i, (byte) (i * 31 + 7));
        }
        return b;
    }

    /** @return the configuration label of a flush policy, such as {@code fence-only}. */
    public static String label(final FlushPolicy policy) {
        return policy.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
