package org.writecache.pmem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** What only {@link MappedPersistentMemory} has: the resolved policy and the mapping mode. */
class MappedPersistentMemoryTest {

    @Test
    void autoMeansFenceOnlyOnTmpfsAndMsyncOnDisk() throws IOException {
        final Path onTmpfs = TestFiles.newFile(TestFiles.TMPFS, "ffm");
        try (MappedPersistentMemory memory = MappedPersistentMemory.create(onTmpfs, 4096, FlushPolicy.AUTO, false)) {
            assertEquals(FlushPolicy.FENCE_ONLY, memory.flushPolicy());
            assertFalse(memory.isMapSync());
            assertEquals(onTmpfs, memory.file());
            assertTrue(memory.describe().contains(onTmpfs.toString()), memory.describe());
        } finally {
            Files.deleteIfExists(onTmpfs);
        }
        assumeFalse(MappedPersistentMemory.isTmpfs(TestFiles.DISK), "no disk file system for temporary files");
        final Path onDisk = TestFiles.newFile(TestFiles.DISK, "ffm");
        try (MappedPersistentMemory memory = MappedPersistentMemory.create(onDisk, 4096, FlushPolicy.AUTO, false)) {
            assertEquals(FlushPolicy.MSYNC, memory.flushPolicy());
        } finally {
            Files.deleteIfExists(onDisk);
        }
    }
}
