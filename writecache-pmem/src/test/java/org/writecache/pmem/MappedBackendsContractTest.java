package org.writecache.pmem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Nested;

/**
 * The contract for the mapped backends ({@link PmemBackend}) on tmpfs, under every flush policy that works there: the
 * built-in FFM backend here, the Chronicle backend in its own artifact's tests.
 */
class MappedBackendsContractTest {

    /** One mapped file per test, under /dev/shm, deleted afterwards. */
    abstract static class OnTmpfs extends PersistentMemoryContractTest {
        private final PmemBackend backend;
        private final FlushPolicy policy;
        private Path file;

        OnTmpfs(final PmemBackend backend, final FlushPolicy policy) {
            this.backend = backend;
            this.policy = policy;
        }

        @Override
        PersistentMemory create(final long size) throws IOException {
            file = TestFiles.newFile(TestFiles.TMPFS, "contract-" + backend.name().toLowerCase(java.util.Locale.ROOT));
            return backend.create(file, size, policy, false);
        }

        @Override
        void cleanUp() throws IOException {
            Files.deleteIfExists(file);
        }
    }

    @Nested
    class FfmAuto extends OnTmpfs {
        FfmAuto() {
            super(PmemBackend.FFM, FlushPolicy.AUTO);
        }
    }

    @Nested
    class FfmMsync extends OnTmpfs {
        FfmMsync() {
            super(PmemBackend.FFM, FlushPolicy.MSYNC);
        }
    }

    @Nested
    class FfmFenceOnly extends OnTmpfs {
        FfmFenceOnly() {
            super(PmemBackend.FFM, FlushPolicy.FENCE_ONLY);
        }
    }
}
