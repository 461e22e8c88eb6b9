package org.writecache.bench.jmh;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.writecache.index.BlockIndex;

/** Lookup of a device block in the index, hit and miss, at several index sizes. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class BlockIndexBenchmark {
    @Param({"65536", "1048576"})
    int blocks;

    private BlockIndex index;
    private SplittableRandom random;

    @Setup
    public void fill() {
        index = new BlockIndex(blocks);
        for (int i = 0; i < blocks; i++) {
            index.map(2L * i, i);
        }
        random = new SplittableRandom(42);
    }

    /** Lookup of a mapped device block. */
    @Benchmark
    public int lookupHit() {
        return index.get(2L * random.nextInt(blocks));
    }

    /** Lookup of a device block that is not mapped. */
    @Benchmark
    public int lookupMiss() {
        return index.get(2L * random.nextInt(blocks) + 1);
    }
}
