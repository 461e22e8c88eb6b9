package org.writecache.bench.harness;

import java.io.IOException;

/** Makes the {@link Operation} each benchmark thread runs; a factory may give each thread its own state. */
@FunctionalInterface
public interface OperationFactory {

    /** @return the operation thread number {@code thread} (0-based) of {@code threads} runs. */
    Operation forThread(int thread, int threads) throws IOException;
}
