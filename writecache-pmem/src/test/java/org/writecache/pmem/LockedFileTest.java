package org.writecache.pmem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Creating, allocating, locking, renaming and read-only opening of files through {@link LockedFile}. */
class LockedFileTest {
    private final List<Path> files = new ArrayList<>();

    private Path newFile() throws IOException {
        final Path f = TestFiles.newFile(TestFiles.TMPFS, "locked");
        files.add(f);
        return f;
    }

    @AfterEach
    void deleteFiles() throws IOException {
        for (final Path f : files) {
            Files.deleteIfExists(f);
        }
    }

    private static void assertMentions(final Throwable e, final Object... parts) {
        for (final Object part : parts) {
            assertTrue(e.getMessage().contains(part.toString()), e.getMessage());
        }
    }

    @Test
    void createNewAllocatesEveryByteWithExactlyTheModeAsked() throws IOException {
        assumeTrue(NativeFile.AVAILABLE, "statx is needed to see allocated blocks");
        final Path file = newFile();
        try (LockedFile f = LockedFile.createNew(file, "cache file", 1 << 20,
            PosixFilePermissions.fromString("rw-r-----"), true)) {
            assertEquals(1 << 20, f.size());
            final NativeFile.Stat stat = NativeFile.stat(file);
            assertEquals(1 << 20, stat.size());
            assertFalse(stat.sparse(), "allocated " + stat.allocated() + " of " + stat.size());
        }
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)),
            "the mode asked, whatever the umask");
    }

    @Test
    void createNewRefusesAnExistingFileOrLinkAndLeavesItAlone() throws IOException {
        final Path file = newFile();
        Files.writeString(file, "precious");
        assertMentions(assertThrows(FileAlreadyExistsException.class,
            () -> LockedFile.createNew(file, "cache file", 4096, null, true)), file);
        assertEquals("precious", Files.readString(file));
        final Path link = newFile();
        Files.createSymbolicLink(link, file.resolveSibling("writecache-no-such-target"));
        assertThrows(FileAlreadyExistsException.class, () -> LockedFile.createNew(link, "cache file", 4096, null, true));
        assertFalse(Files.exists(file.resolveSibling("writecache-no-such-target")), "the link was not followed");
    }

    @Test
    void aFailedAllocationDeletesTheNewFileAndSaysHowMuchWasAskedAndFree() throws IOException {
        final Path file = newFile();
        final Allocator full = (channel, descriptor, old, size) -> {
            channel.write(ByteBuffer.allocate(4096), 0);
            throw new IOException("No space left on device");
        };
        final IOException e = assertThrows(IOException.class,
            () -> LockedFile.createNew(file, "cache file", 1 << 30, null, full));
        assertMentions(e, file, "1073741824", "bytes free", "No space left on device");
        assertFalse(e.getMessage().contains("\n"), "one line");
        assertFalse(Files.exists(file), "the half-allocated file is gone");
    }

    @Test
    void openRefusesASparseFileNamingItAndLeavesItUnlocked() throws IOException {
        assumeTrue(NativeFile.AVAILABLE, "statx is needed to see holes");
        final Path file = newFile();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {1}), (1 << 20) - 1);
        }
        assertMentions(assertThrows(IOException.class, () -> LockedFile.open(file)), file, "sparse", "1048576");
        assertMentions(assertThrows(IOException.class, () -> MappedPersistentMemory.open(file, FlushPolicy.AUTO, true)),
            file, "sparse");
        try (LockedFile f = LockedFile.create(file, 1 << 20)) {
            assertFalse(NativeFile.stat(file).sparse(), "create allocates the holes");
            assertEquals(1, f.channel().read(ByteBuffer.allocate(1), (1 << 20) - 1));
        }
        try (LockedFile f = LockedFile.open(file)) {
            assertEquals(1 << 20, f.size());
        }
    }

    @Test
    void readOnlyOpenTakesASharedLockAndMapsForLoadsOnly() throws IOException {
        assumeTrue(PosixLocks.available(), "/proc/locks is not readable here");
        final Path file = newFile();
        try (MappedPersistentMemory m = MappedPersistentMemory.create(file, 8192, FlushPolicy.AUTO, false)) {
            m.putLong(64, 42);
            assertThrows(CacheFileLockedException.class, () -> MappedPersistentMemory.openReadOnly(file));
        }
        try (MappedPersistentMemory m = MappedPersistentMemory.openReadOnly(file)) {
            assertEquals(42, m.getLong(64));
            assertTrue(PosixLocks.heldByThisProcess(file, "READ"), "a shared (read) lock");
            assertFalse(PosixLocks.heldByThisProcess(file, "WRITE"));
            assertThrows(RuntimeException.class, () -> m.putLong(64, 7));
            assertMentions(assertThrows(CacheFileLockedException.class, () -> LockedFile.open(file)), file);
            assertTrue(m.describe().contains("read only"), m.describe());
        }
    }

    @Test
    void readOnlyOpenNeedsNoWritePermission() throws IOException, InterruptedException {
        final Path file = newFile();
        try (MappedPersistentMemory m = MappedPersistentMemory.create(file, 4096, FlushPolicy.AUTO, false)) {
            m.putLong(0, 5);
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r--r--"));
        final boolean immutable = !Files.isWritable(file) || Unwritable.make(file);
        assumeTrue(immutable, "cannot make a file unwritable for this user (root without chattr)");
        try {
            assertThrows(IOException.class, () -> FileChannel.open(file, StandardOpenOption.WRITE).close(),
                "the file is not writable");
            try (MappedPersistentMemory m = MappedPersistentMemory.openReadOnly(file)) {
                assertEquals(5, m.getLong(0));
            }
        } finally {
            Unwritable.undo(file);
        }
    }

    @Test
    void moveToRenamesOverTheTargetKeepingTheLock() throws IOException {
        assumeTrue(PosixLocks.available(), "/proc/locks is not readable here");
        final Path building = newFile();
        final Path target = newFile();
        Files.writeString(target, "old");
        try (LockedFile f = LockedFile.createNew(building, "cache file", 4096, null, true)) {
            f.channel().write(ByteBuffer.wrap(new byte[] {9}), 0);
            f.moveTo(target);
            assertEquals(target, f.file());
            assertFalse(Files.exists(building));
            assertTrue(PosixLocks.heldByThisProcess(target, "WRITE"), "the lock follows the file");
            assertThrows(CacheFileLockedException.class, () -> LockedFile.open(target));
        }
        assertEquals(9, Files.readAllBytes(target)[0]);
        assertEquals(4096, Files.size(target));
    }

    @Test
    void lockHoldsAnExistingFileOfAnyLengthAndChangesNothing() throws IOException {
        final Path file = newFile();
        Files.createFile(file);
        try (LockedFile f = LockedFile.lock(file, "backing file")) {
            assertEquals(0, f.size());
            assertMentions(assertThrows(CacheFileLockedException.class, () -> LockedFile.lock(file, "backing file")),
                "backing file", file);
        }
        assertEquals(0, Files.size(file));
    }
}
