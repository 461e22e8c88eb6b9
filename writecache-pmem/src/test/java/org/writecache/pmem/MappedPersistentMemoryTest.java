package org.writecache.pmem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What {@link MappedPersistentMemory} adds to the contract: the file, its lock and its flush policy. */
class MappedPersistentMemoryTest {
    private Path file;

    @BeforeEach
    void pickFile() throws IOException {
        file = TestFiles.newFile(TestFiles.TMPFS, "mapped");
    }

    @AfterEach
    void deleteFile() throws IOException {
        Files.deleteIfExists(file);
    }

    @Test
    void aSecondOpenInThisJvmFailsNamingTheFileUntilTheFirstCloses() throws IOException {
        try (MappedPersistentMemory first = MappedPersistentMemory.create(file, 8192, FlushPolicy.AUTO, false)) {
            final CacheFileLockedException viaOpen = assertThrows(CacheFileLockedException.class,
                () -> MappedPersistentMemory.open(file, FlushPolicy.AUTO, false));
            assertTrue(viaOpen.getMessage().contains(file.toString()), viaOpen.getMessage());
            final CacheFileLockedException viaCreate = assertThrows(CacheFileLockedException.class,
                () -> MappedPersistentMemory.create(file, 4096, FlushPolicy.AUTO, false));
            assertTrue(viaCreate.getMessage().contains(file.toString()), viaCreate.getMessage());
            assertEquals(8192, Files.size(file), "a refused create must not resize the file");
            first.putLong(0, 1);
        }
        try (MappedPersistentMemory again = MappedPersistentMemory.open(file, FlushPolicy.AUTO, false)) {
            assertEquals(1, again.getLong(0));
        }
    }

    @Test
    void aRefusedSecondOpenKeepsTheFirstOnesLockInTheKernel() throws IOException {
        assumeTrue(PosixLocks.available(), "/proc/locks is not readable here");
        try (MappedPersistentMemory first = MappedPersistentMemory.create(file, 4096, FlushPolicy.AUTO, false)) {
            assertEquals(4096, first.size());
            assertTrue(PosixLocks.heldByThisProcess(file), "the open region holds a POSIX lock");
            assertThrows(CacheFileLockedException.class, () -> MappedPersistentMemory.open(file, FlushPolicy.AUTO, false));
            assertTrue(PosixLocks.heldByThisProcess(file),
                "closing the refused open's descriptor must not release the lock other processes rely on");
        }
        assertTrue(!PosixLocks.heldByThisProcess(file), "close releases the lock");
    }

    @Test
    void dataSurvivesCloseAndReopen() throws IOException {
        try (MappedPersistentMemory memory = MappedPersistentMemory.create(file, 3 * 4096 + 8, FlushPolicy.MSYNC, true)) {
            memory.putLong(3 * 4096, 0x1234_5678_9ABC_DEF0L);
            memory.fill(100, 50, (byte) 3);
            memory.persist(0, memory.size());
        }
        try (MappedPersistentMemory memory = MappedPersistentMemory.open(file, FlushPolicy.FENCE_ONLY, true)) {
            assertEquals(3 * 4096 + 8, memory.size());
            assertEquals(0x1234_5678_9ABC_DEF0L, memory.getLong(3 * 4096));
            assertEquals(0x0303030303030303L, memory.getLong(120));
            assertEquals(0, memory.getLong(150));
        }
    }

    @Test
    void createResizesAnExistingFileKeepingWhatFits() throws IOException {
        try (MappedPersistentMemory memory = MappedPersistentMemory.create(file, 8192, FlushPolicy.AUTO, false)) {
            memory.putLong(0, 11);
            memory.putLong(8000, 22);
        }
        try (MappedPersistentMemory memory = MappedPersistentMemory.create(file, 4096, FlushPolicy.AUTO, false)) {
            assertEquals(4096, memory.size());
            assertEquals(4096, Files.size(file));
            assertEquals(11, memory.getLong(0));
        }
        try (MappedPersistentMemory memory = MappedPersistentMemory.create(file, 100_000, FlushPolicy.AUTO, false)) {
            assertEquals(100_000, memory.size());
            assertEquals(100_000, Files.size(file));
            assertEquals(11, memory.getLong(0));
            assertEquals(0, memory.getLong(8000), "bytes cut off by the shrink come back as zeros");
        }
    }

    @Test
    void createRejectsANonPositiveSizeNamingIt() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> MappedPersistentMemory.create(file, 0, FlushPolicy.AUTO, false));
        assertTrue(e.getMessage().contains("0"), e.getMessage());
    }

    @Test
    void openingAMissingFileSaysItDoesNotExist() {
        final NoSuchFileException e = assertThrows(NoSuchFileException.class,
            () -> MappedPersistentMemory.open(file, FlushPolicy.AUTO, false));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void openingAnEmptyFileSaysItIsEmptyAndLeavesItUnlocked() throws IOException {
        Files.createFile(file);
        final IOException e = assertThrows(IOException.class, () -> MappedPersistentMemory.open(file, FlushPolicy.AUTO, false));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("empty"), e.getMessage());
        try (MappedPersistentMemory memory = MappedPersistentMemory.create(file, 64, FlushPolicy.AUTO, false)) {
            assertEquals(64, memory.size());
        }
    }

    @Test
    void syncOnTmpfsFailsClearlyAndLeavesTheFileUnlocked() throws IOException {
        final IOException e = assertThrows(IOException.class,
            () -> MappedPersistentMemory.create(file, 4096, FlushPolicy.SYNC, false));
        assertTrue(e.getMessage().contains("SYNC") && e.getMessage().contains("MAP_SYNC")
            && e.getMessage().contains(file.toString()), e.getMessage());
        try (MappedPersistentMemory memory = MappedPersistentMemory.open(file, FlushPolicy.AUTO, false)) {
            assertEquals(4096, memory.size());
        }
    }

    @Test
    void autoResolvesByFileSystem() throws IOException {
        try (MappedPersistentMemory memory = MappedPersistentMemory.create(file, 4096, FlushPolicy.AUTO, false)) {
            assertEquals(FlushPolicy.FENCE_ONLY, memory.flushPolicy());
            assertTrue(!memory.isMapSync());
            assertTrue(memory.describe().contains(file.toString()), memory.describe());
        }
        assumeTrue(!MappedPersistentMemory.isTmpfs(TestFiles.DISK), "no disk file system for temporary files");
        final Path onDisk = TestFiles.newFile(TestFiles.DISK, "mapped");
        try (MappedPersistentMemory memory = MappedPersistentMemory.create(onDisk, 4096, FlushPolicy.AUTO, false)) {
            assertEquals(FlushPolicy.MSYNC, memory.flushPolicy());
        } finally {
            Files.deleteIfExists(onDisk);
        }
    }
}
