package org.writecache.pmem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import net.openhft.posix.PosixAPI;
import net.openhft.posix.internal.PosixAPIHolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.writecache.pmem.chronicle.ChronicleBytesPersistentMemory;

/** What only {@link ChronicleBytesPersistentMemory} has: no MAP_SYNC, and a check that its msync is real. */
class ChronicleBytesPersistentMemoryTest {
    private Path file;

    @BeforeEach
    void pickFile() throws IOException {
        file = TestFiles.newFile(TestFiles.TMPFS, "chronicle");
    }

    @AfterEach
    void deleteFile() throws IOException {
        Files.deleteIfExists(file);
    }

    @Test
    void autoMeansFenceOnlyOnTmpfsAndMsyncOnDisk() throws IOException {
        try (ChronicleBytesPersistentMemory memory = ChronicleBytesPersistentMemory.create(file, 4096, FlushPolicy.AUTO, true)) {
            assertEquals(FlushPolicy.FENCE_ONLY, memory.flushPolicy());
            assertEquals(file, memory.file());
            assertTrue(memory.describe().startsWith("chronicle " + file), memory.describe());
        }
        assumeFalse(MappedPersistentMemory.isTmpfs(TestFiles.DISK), "no disk file system for temporary files");
        final Path onDisk = TestFiles.newFile(TestFiles.DISK, "chronicle");
        try (ChronicleBytesPersistentMemory memory = ChronicleBytesPersistentMemory.create(onDisk, 4096, FlushPolicy.AUTO, false)) {
            assertEquals(FlushPolicy.MSYNC, memory.flushPolicy());
        } finally {
            Files.deleteIfExists(onDisk);
        }
    }

    @Test
    void syncIsRefusedBeforeTheFileIsTouched() {
        final IOException e = assertThrows(IOException.class,
            () -> ChronicleBytesPersistentMemory.create(file, 4096, FlushPolicy.SYNC, false));
        assertTrue(e.getMessage().contains("CHRONICLE") && e.getMessage().contains("FFM"), e.getMessage());
        assertFalse(Files.exists(file));
    }

    @Test
    void msyncIsRefusedWhenChroniclesPosixLayerIsANoOp() throws IOException {
        final PosixAPI real = PosixAPI.posix();
        try {
            PosixAPI.useNoOpPosixApi();
            final IOException e = assertThrows(IOException.class,
                () -> ChronicleBytesPersistentMemory.create(file, 4096, FlushPolicy.MSYNC, false));
            assertTrue(e.getMessage().contains("MSYNC") && e.getMessage().contains(file.toString()), e.getMessage());
            try (ChronicleBytesPersistentMemory memory =
                     ChronicleBytesPersistentMemory.create(file, 4096, FlushPolicy.FENCE_ONLY, false)) {
                memory.persist(0, 4096);
            }
        } finally {
            PosixAPIHolder.POSIX_API = real;
        }
        try (ChronicleBytesPersistentMemory memory =
                 ChronicleBytesPersistentMemory.create(file, 4096, FlushPolicy.MSYNC, false)) {
            memory.persist(0, 4096);
        }
    }
}
