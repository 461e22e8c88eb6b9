package org.writecache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.writecache.pmem.FileSystemKind;
import org.writecache.pmem.FlushPolicy;
import org.writecache.stats.CountersFile;

/**
 * What is legal but loses data or all the cache's speed without an error later is refused with one line naming the
 * setting that allows it: a cache file on neither tmpfs nor DAX, fence-only flushes off tmpfs, a character device as
 * backing file. And the mode of every file a cache creates is the configured one.
 */
class UnsafePlacementTest {
    private static final int BS = 4096;

    @RegisterExtension
    final TestFiles files = new TestFiles();

    private WriteCacheConfig.Builder config() {
        return files.smallCache();
    }

    private static void assertRefusedNaming(final WriteCacheConfig cfg, final Object... parts) {
        for (final boolean format : new boolean[] {true, false}) {
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> (format ? WriteCache.format(cfg) : WriteCache.open(cfg)).close());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            for (final Object part : parts) {
                assertTrue(e.getMessage().contains(part.toString()), e.getMessage());
            }
        }
    }

    private static void roundTrip(final WriteCacheConfig cfg) throws IOException {
        try (WriteCache c = WriteCache.format(cfg)) {
            c.write(0, ByteBuffer.wrap(WriteCacheTest.block(5)), true);
        }
        try (WriteCache c = WriteCache.open(cfg)) {
            assertArrayEquals(WriteCacheTest.block(5), WriteCacheTest.read(c, 0, BS));
        }
    }

    @Test
    void aCacheFileOnADiskIsRefusedUnlessAllowed() throws IOException {
        final Path onDisk = files.backingFile();
        assertEquals(FileSystemKind.OTHER, FileSystemKind.of(onDisk), "the build directory is expected on a disk");
        final WriteCacheConfig cfg = config().cacheFile(onDisk).build();
        assertRefusedNaming(cfg, onDisk, "neither tmpfs nor DAX", Settings.ALLOW_CACHE_NOT_PMEM + "=true");
        assertFalse(Files.exists(onDisk) || Files.exists(cfg.backingFile()), "a refused format created files");
        roundTrip(cfg.toBuilder().allowCacheNotPmem(true).build());
    }

    @Test
    void fenceOnlyFlushesOffTmpfsAreRefusedUnlessAllowed() throws IOException {
        final Path onDisk = files.backingFile();
        final WriteCacheConfig cfg = config().cacheFile(onDisk).allowCacheNotPmem(true)
            .flushPolicy(FlushPolicy.FENCE_ONLY).build();
        assertRefusedNaming(cfg, onDisk, "fence-only", "power loss",
            Settings.ALLOW_FENCE_ONLY_NOT_TMPFS + "=true");
        roundTrip(cfg.toBuilder().allowFenceOnlyNotTmpfs(true).build());
        roundTrip(config().flushPolicy(FlushPolicy.FENCE_ONLY).build()); // on tmpfs: the emulated pmem, fine
    }

    @Test
    void aCharacterDeviceAsBackingFileIsRefusedUnlessAllowed() throws IOException {
        final Path devNull = Path.of("/dev/null");
        final WriteCacheConfig cfg = config().backingFile(devNull).build();
        assertRefusedNaming(cfg, devNull, "character device", Settings.ALLOW_BACKING_CHAR_DEVICE + "=true");
        assertFalse(Files.exists(cfg.cacheFile()));
        roundTrip(cfg.toBuilder().allowBackingCharDevice(true).build());
    }

    @Test
    void everyFileACacheCreatesGetsTheConfiguredMode() throws IOException {
        final WriteCacheConfig cfg = config().set(Settings.FILE_MODE.name(), "640").build();
        assertEquals("0640", cfg.toProperties().get(Settings.FILE_MODE.name()));
        try (WriteCache c = WriteCache.format(cfg)) {
            for (final Path p : List.of(cfg.cacheFile(), cfg.backingFile(), CountersFile.pathFor(cfg.cacheFile()))) {
                assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)), p.toString());
            }
            assertTrue(c.cacheBlocks() > 0);
        }
    }

    @Test
    void aBadFileModeIsRefusedNamingIt() {
        for (final String bad : List.of("0999", "rw-------", "06000", "")) {
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> config().set(Settings.FILE_MODE.name(), bad));
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> config().set(Settings.FILE_MODE.name(), "0400").build());
        assertTrue(e.getMessage().contains(Settings.FILE_MODE.name()) && e.getMessage().contains("0400"),
            e.getMessage());
    }
}
