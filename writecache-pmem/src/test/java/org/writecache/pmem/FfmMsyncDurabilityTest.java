package org.writecache.pmem;

/** {@link MsyncDurabilityTest} for the FFM backend. */
class FfmMsyncDurabilityTest extends MsyncDurabilityTest {
    @Override
    PmemBackend backend() {
        return PmemBackend.FFM;
    }

    @Override
    long address(final PersistentMemory memory) {
        return ((MappedPersistentMemory) memory).segment().address();
    }
}
