package org.writecache.bench.harness;

import java.io.IOException;
import java.util.SplittableRandom;

/** One timed step of a benchmark, run repeatedly by one thread. */
@FunctionalInterface
public interface Operation {

    /**
     * Performs one operation.
     *
     * @param random this thread's random source.
     * @return the bytes moved by the operation (for bandwidth figures).
     */
    long run(SplittableRandom random) throws IOException;

    /** Untimed work after each operation, such as the idle gap of a bursty workload. */
    default void after() throws IOException {
    }
}
