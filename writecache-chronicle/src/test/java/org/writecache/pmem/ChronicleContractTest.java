package org.writecache.pmem;

import org.junit.jupiter.api.Nested;

/** The {@link PersistentMemory} contract for the Chronicle Bytes backend, through {@link PmemBackend#CHRONICLE}. */
class ChronicleContractTest {
    @Nested
    class ChronicleAuto extends MappedBackendsContractTest.OnTmpfs {
        ChronicleAuto() {
            super(PmemBackend.CHRONICLE, FlushPolicy.AUTO);
        }
    }

    @Nested
    class ChronicleMsync extends MappedBackendsContractTest.OnTmpfs {
        ChronicleMsync() {
            super(PmemBackend.CHRONICLE, FlushPolicy.MSYNC);
        }
    }

    @Nested
    class ChronicleFenceOnly extends MappedBackendsContractTest.OnTmpfs {
        ChronicleFenceOnly() {
            super(PmemBackend.CHRONICLE, FlushPolicy.FENCE_ONLY);
        }
    }
}
