package org.writecache.bench.jmh;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.SystemNanoClock;
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
import org.openjdk.jmh.annotations.Warmup;
import org.writecache.WaitPolicy;
import org.writecache.freelist.FreeList;
import org.writecache.freelist.Parker;

/**
 * Uncontended allocate + free of one block on the freelist under each wait policy, with {@link Semaphore}
 * acquire + release as a peer: the cost of the fast path every write pays.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FreeListBenchmark {
    /** A freelist of 64 blocks under one policy. */
    @State(Scope.Thread)
    public static class Lists {
        @Param({"swait", "exclusive", "wake-all", "direct"})
        public String policy;

        FreeList list;
        final int[] out = new int[1];

        @Setup(Level.Trial)
        public void setUp() {
            list = new FreeList(64, WaitPolicy.parse(policy), Parker.LOCK_SUPPORT, new SystemNanoClock());
            for (int b = 0; b < 64; b++) {
                list.add(b);
            }
        }
    }

    /** The peer: a semaphore of 64 permits. */
    @State(Scope.Thread)
    public static class Permits {
        final Semaphore semaphore = new Semaphore(64);
    }

    @Benchmark
    public int allocateFree(final Lists s) {
        s.list.tryAllocate(1, s.out);
        s.list.release(s.out[0]);
        return s.out[0];
    }

    @Benchmark
    public void semaphoreAcquireRelease(final Permits p) throws InterruptedException {
        p.semaphore.acquire();
        p.semaphore.release();
    }
}
