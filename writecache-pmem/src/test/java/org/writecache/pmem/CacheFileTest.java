package org.writecache.pmem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What every file backend adds to the contract: creating, opening, locking and resizing the cache file. */
class CacheFileTest {
    private Path file;

    @BeforeEach
    void pickFile() throws IOException {
        file = TestFiles.newFile(TestFiles.TMPFS, "file");
    }

    @AfterEach
    void deleteFile() throws IOException {
        Files.deleteIfExists(file);
    }

    /** @return the backends on this class path: the built-in one, and Chronicle's where its artifact is present. */
    static java.util.List<PmemBackend> backends() {
        return java.util.Arrays.stream(PmemBackend.values()).filter(PmemBackend::isAvailable).toList();
    }

    private static void assertMentions(final Throwable e, final Object... parts) {
        for (final Object part : parts) {
            assertTrue(e.getMessage().contains(part.toString()), e.getMessage());
        }
    }

    @ParameterizedTest
    @MethodSource("org.writecache.pmem.CacheFileTest#backends")
    void aSecondOpenInThisJvmFailsNamingTheFileUntilTheFirstCloses(final PmemBackend backend) throws IOException {
        try (PersistentMemory first = backend.create(file, 8192, FlushPolicy.AUTO, false)) {
            for (final PmemBackend other : backends()) {
                assertMentions(assertThrows(CacheFileLockedException.class,
                    () -> other.open(file, FlushPolicy.AUTO, false)), file);
                assertMentions(assertThrows(CacheFileLockedException.class,
                    () -> other.create(file, 4096, FlushPolicy.AUTO, false)), file);
            }
            assertEquals(8192, Files.size(file), "a refused create must not resize the file");
            first.putLong(0, 1);
        }
        try (PersistentMemory again = backend.open(file, FlushPolicy.AUTO, false)) {
            assertEquals(1, again.getLong(0));
        }
    }

    @ParameterizedTest
    @MethodSource("org.writecache.pmem.CacheFileTest#backends")
    void aRefusedSecondOpenKeepsTheFirstOnesLockInTheKernel(final PmemBackend backend) throws IOException {
        assumeTrue(PosixLocks.available(), "/proc/locks is not readable here");
        try (PersistentMemory first = backend.create(file, 4096, FlushPolicy.AUTO, false)) {
            assertEquals(4096, first.size());
            assertTrue(PosixLocks.heldByThisProcess(file), "the open region holds a POSIX lock");
            assertThrows(CacheFileLockedException.class, () -> backend.open(file, FlushPolicy.AUTO, false));
            assertTrue(PosixLocks.heldByThisProcess(file),
                "closing the refused open's descriptor must not release the lock other processes rely on");
        }
        assertFalse(PosixLocks.heldByThisProcess(file), "close releases the lock");
    }

    @ParameterizedTest
    @MethodSource("org.writecache.pmem.CacheFileTest#backends")
    void dataSurvivesCloseAndReopenByEitherBackend(final PmemBackend backend) throws IOException {
        try (PersistentMemory memory = backend.create(file, 3 * 4096 + 8, FlushPolicy.MSYNC, true)) {
            memory.putLong(3 * 4096, 0x1234_5678_9ABC_DEF0L);
            memory.fill(100, 50, (byte) 3);
            memory.persist(0, memory.size());
        }
        for (final PmemBackend reader : backends()) {
            try (PersistentMemory memory = reader.open(file, FlushPolicy.FENCE_ONLY, true)) {
                assertEquals(3 * 4096 + 8, memory.size());
                assertEquals(0x1234_5678_9ABC_DEF0L, memory.getLong(3 * 4096));
                assertEquals(0x0303030303030303L, memory.getLong(120));
                assertEquals(0, memory.getLong(150));
            }
        }
        assertEquals(3 * 4096 + 8, Files.size(file), "the file keeps the length it was created with");
    }

    @ParameterizedTest
    @MethodSource("org.writecache.pmem.CacheFileTest#backends")
    void createResizesAnExistingFileKeepingWhatFits(final PmemBackend backend) throws IOException {
        try (PersistentMemory memory = backend.create(file, 8192, FlushPolicy.AUTO, false)) {
            memory.putLong(0, 11);
            memory.putLong(8000, 22);
        }
        try (PersistentMemory memory = backend.create(file, 4096, FlushPolicy.AUTO, false)) {
            assertEquals(4096, memory.size());
            assertEquals(4096, Files.size(file));
            assertEquals(11, memory.getLong(0));
        }
        try (PersistentMemory memory = backend.create(file, 100_000, FlushPolicy.AUTO, false)) {
            assertEquals(100_000, memory.size());
            assertEquals(100_000, Files.size(file));
            assertEquals(11, memory.getLong(0));
            assertEquals(0, memory.getLong(8000), "bytes cut off by the shrink come back as zeros");
        }
    }

    @ParameterizedTest
    @MethodSource("org.writecache.pmem.CacheFileTest#backends")
    void createRejectsANonPositiveSizeNamingIt(final PmemBackend backend) {
        assertMentions(assertThrows(IllegalArgumentException.class,
            () -> backend.create(file, -5, FlushPolicy.AUTO, false)), "-5");
        assertFalse(Files.exists(file));
    }

    @ParameterizedTest
    @MethodSource("org.writecache.pmem.CacheFileTest#backends")
    void openingAMissingFileSaysItDoesNotExist(final PmemBackend backend) {
        assertMentions(assertThrows(NoSuchFileException.class, () -> backend.open(file, FlushPolicy.AUTO, false)),
            file, "does not exist");
    }

    @ParameterizedTest
    @MethodSource("org.writecache.pmem.CacheFileTest#backends")
    void openingAnEmptyFileSaysItIsEmptyAndLeavesItUnlocked(final PmemBackend backend) throws IOException {
        Files.createFile(file);
        assertMentions(assertThrows(IOException.class, () -> backend.open(file, FlushPolicy.AUTO, false)), file, "empty");
        try (PersistentMemory memory = backend.create(file, 64, FlushPolicy.AUTO, false)) {
            assertEquals(64, memory.size());
        }
    }

    @ParameterizedTest
    @MethodSource("org.writecache.pmem.CacheFileTest#backends")
    void syncOnTmpfsFailsClearlyAndLeavesTheFileUnlocked(final PmemBackend backend) throws IOException {
        assertMentions(assertThrows(IOException.class, () -> backend.create(file, 4096, FlushPolicy.SYNC, false)),
            "SYNC", "MAP_SYNC", file);
        try (PersistentMemory memory = backend.create(file, 4096, FlushPolicy.AUTO, false)) {
            assertEquals(4096, memory.size());
        }
        assertMentions(assertThrows(IOException.class, () -> backend.open(file, FlushPolicy.SYNC, false)),
            "SYNC", "MAP_SYNC", file);
    }

    @Test
    void backendAndPolicyNamesParseInAnyCaseAndBadOnesAreNamed() {
        assertEquals(PmemBackend.CHRONICLE, PmemBackend.parse(" chronicle "));
        assertEquals(PmemBackend.FFM, PmemBackend.parse("FFM"));
        assertEquals(FlushPolicy.FENCE_ONLY, FlushPolicy.parse("fence_only"));
        assertEquals(FlushPolicy.FENCE_ONLY, FlushPolicy.parse("Fence-Only"), "the spelling toProperties writes");
        assertMentions(assertThrows(IllegalArgumentException.class, () -> PmemBackend.parse("unsafe")),
            "'unsafe'", "ffm, chronicle");
        assertMentions(assertThrows(IllegalArgumentException.class, () -> PmemBackend.parse(null)), "null", "ffm");
        assertMentions(assertThrows(IllegalArgumentException.class, () -> FlushPolicy.parse("fsync")),
            "flush policy", "'fsync'", "auto, sync, msync, fence-only");
    }
}
