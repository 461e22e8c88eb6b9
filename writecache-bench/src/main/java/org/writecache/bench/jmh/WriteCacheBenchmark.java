package org.writecache.bench.jmh;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.writecache.WriteCache;
import org.writecache.WriteCacheConfig;
import org.writecache.format.DataChecksum;
import org.writecache.pmem.FlushPolicy;
import org.writecache.pmem.PmemBackend;

/**
 * The cache's hot paths, one block each: a write hit, a write miss, a FUA write (write plus commit) and a read hit,
 * over the flush policies, persistent-memory backends and data checksums (stamped on every write, verified on every
 * read hit with {@code crc32c}). Cache file on /dev/shm, backing file in the temporary
 * directory.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class WriteCacheBenchmark {
    /** Blocks the hit benchmarks touch: far below the cache size, so writeback never runs. */
    static final int HOT = 1024;

    @Param({"FENCE_ONLY", "MSYNC"})
    String flush;

    @Param({"ffm", "chronicle"})
    String backend;

    @Param({"crc32c", "none"})
    String checksum;

    private Path cacheFile;
    private Path backingFile;
    private WriteCache cache;
    private ByteBuffer block;
    private SplittableRandom random;
    private long blocks;
    private long missCursor;

    @Setup(Level.Trial)
    public void open() throws IOException {
        cacheFile = Files.createTempFile(Path.of("/dev/shm"), "writecache-jmh", ".cache");
        backingFile = Files.createTempFile("writecache-jmh", ".backing");
        cache = WriteCache.format(WriteCacheConfig.builder().cacheFile(cacheFile).cacheSize(64L << 20)
            .backingFile(backingFile).backingSize(1L << 30).flushPolicy(FlushPolicy.valueOf(flush))
            .pmemBackend(PmemBackend.parse(backend)).dataChecksum(DataChecksum.parse(checksum))
            .forceFormat(true).prefault(true).build());
        block = ByteBuffer.allocate(cache.blockSize());
        random = new SplittableRandom(42);
        blocks = cache.size() / cache.blockSize();
        for (int i = 0; i < HOT; i++) {
            block.clear();
            cache.write((long) i * cache.blockSize(), block, false);
        }
        cache.flush();
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        cache.close();
        Files.deleteIfExists(cacheFile);
        Files.deleteIfExists(backingFile);
    }

    private long hot() {
        return (long) random.nextInt(HOT) * cache.blockSize();
    }

    /** Overwrite of a cached block with autocommit. */
    @Benchmark
    public void writeHit() throws IOException {
        block.clear();
        cache.write(hot(), block, false);
    }

    /** Write of a block that is not cached, followed by a discard of it so the cache never fills. */
    @Benchmark
    public void writeMissAndDiscard() throws IOException {
        final long at = (HOT + missCursor++ % (blocks - HOT)) * cache.blockSize();
        block.clear();
        cache.write(at, block, false);
        cache.discard(at, cache.blockSize());
    }

    /** A FUA overwrite of a cached block: the write and its commit. */
    @Benchmark
    public void commit() throws IOException {
        block.clear();
        cache.write(hot(), block, true);
    }

    /** Read of a cached block. */
    @Benchmark
    public ByteBuffer readHit() throws IOException {
        block.clear();
        cache.read(hot(), block);
        return block;
    }
}
