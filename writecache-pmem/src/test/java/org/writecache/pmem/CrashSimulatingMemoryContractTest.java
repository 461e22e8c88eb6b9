package org.writecache.pmem;

import org.writecache.pmem.crash.CrashSimulatingMemory;

/** The contract for {@link CrashSimulatingMemory}: recording must not change what the program sees. */
class CrashSimulatingMemoryContractTest extends PersistentMemoryContractTest {

    @Override
    PersistentMemory create(final long size) {
        return new CrashSimulatingMemory(size);
    }
}
