package org.writecache.pmem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * MSYNC really writes the flushed range back to the disk file system, and only that range; FENCE_ONLY makes no
 * system call. Checked by asking the kernel whether each page is still dirty (see {@link PageFlags}), on a file of
 * the disk file system, where dirty pages are written back only after 30 s unless something forces them. One
 * subclass per mapped backend.
 */
abstract class MsyncDurabilityTest {
    private static final long PAGE = 4096;
    private Path file;

    @BeforeEach
    void pickFile() throws IOException {
        assumeTrue(PageFlags.available(), "page flags need root");
        assumeFalse(MappedPersistentMemory.isTmpfs(TestFiles.DISK), "no disk file system for temporary files");
        file = TestFiles.newFile(TestFiles.DISK, "msync");
    }

    @AfterEach
    void deleteFile() throws IOException {
        if (file != null) {
            Files.deleteIfExists(file);
        }
    }

    /** @return the backend under test. */
    abstract PmemBackend backend();

    /** @return the address where {@code memory} is mapped, so its pages' flags can be read. */
    abstract long address(PersistentMemory memory);

    @Test
    void msyncCleansExactlyThePagesOfTheFlushedRange() throws IOException {
        try (PersistentMemory memory = backend().create(file, 4 * PAGE, FlushPolicy.MSYNC, false)) {
            final long base = address(memory);
            memory.putLong(PAGE - 8, 1);
            memory.putLong(2 * PAGE + 100, 2);
            assertTrue(PageFlags.isDirty(base + PAGE - 8), "a written page is dirty");
            assertTrue(PageFlags.isDirty(base + 2 * PAGE), "a written page is dirty");

            memory.persist(PAGE - 8, 8);
            assertFalse(PageFlags.isDirty(base + PAGE - 8), "the flushed page was written back");
            assertTrue(PageFlags.isDirty(base + 2 * PAGE), "a page outside the flushed range stays dirty");

            memory.flush(2 * PAGE + 100, 1);
            memory.fence();
            assertFalse(PageFlags.isDirty(base + 2 * PAGE), "the flushed page was written back");
            assertEquals(2, memory.getLong(2 * PAGE + 100));
        }
    }

    @Test
    void fenceOnlyLeavesPagesDirty() throws IOException {
        try (PersistentMemory memory = backend().create(file, 2 * PAGE, FlushPolicy.FENCE_ONLY, false)) {
            memory.putLong(PAGE, 3);
            memory.persist(0, 2 * PAGE);
            assertTrue(PageFlags.isDirty(address(memory) + PAGE), "FENCE_ONLY must not write back");
        }
    }
}
