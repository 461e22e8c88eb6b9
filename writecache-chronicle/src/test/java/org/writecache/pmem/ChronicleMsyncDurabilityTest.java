package org.writecache.pmem;

import org.writecache.pmem.chronicle.ChronicleBytesPersistentMemory;

/** {@link MsyncDurabilityTest} for the Chronicle Bytes backend. */
class ChronicleMsyncDurabilityTest extends MsyncDurabilityTest {
    @Override
    PmemBackend backend() {
        return PmemBackend.CHRONICLE;
    }

    @Override
    long address(final PersistentMemory memory) {
        return ((ChronicleBytesPersistentMemory) memory).address();
    }
}
