package org.writecache.pmem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Nested;

/** The contract for {@link ChronicleBytesPersistentMemory} on tmpfs, under every flush policy it accepts there. */
class ChronicleBytesPersistentMemoryContractTest {

    /** One mapped file per test, under /dev/shm, deleted afterwards. */
    abstract static class OnTmpfs extends PersistentMemoryContractTest {
        private Path file;

        abstract FlushPolicy policy();

        @Override
        PersistentMemory create(final long size) throws IOException {
            file = TestFiles.newFile(TestFiles.TMPFS, "chronicle");
            return ChronicleBytesPersistentMemory.create(file, size, policy(), false);
        }

        @Override
        void cleanUp() throws IOException {
            Files.deleteIfExists(file);
        }
    }

    @Nested
    class Auto extends OnTmpfs {
        @Override
        FlushPolicy policy() {
            return FlushPolicy.AUTO;
        }
    }

    @Nested
    class Msync extends OnTmpfs {
        @Override
        FlushPolicy policy() {
            return FlushPolicy.MSYNC;
        }
    }

    @Nested
    class FenceOnly extends OnTmpfs {
        @Override
        FlushPolicy policy() {
            return FlushPolicy.FENCE_ONLY;
        }
    }
}
