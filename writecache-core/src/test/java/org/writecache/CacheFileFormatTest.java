package org.writecache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.writecache.pmem.CacheFileLockedException;
import org.writecache.pmem.LockedFile;
import org.writecache.stats.CountersFile;

/**
 * Formatting is atomic and allocates the cache file for real; nothing but a complete cache ever appears at the cache
 * file's name, a file that is not a cache is not overwritten without {@code format.force}, and a sparse cache file
 * (one whose stores could fault on a full file system) is refused at open.
 */
class CacheFileFormatTest {
    private static final int BS = 4096;

    @RegisterExtension
    final TestFiles files = new TestFiles();

    private WriteCacheConfig.Builder config() {
        return files.smallCache();
    }

    private static Path formatFile(final Path cacheFile) {
        return cacheFile.resolveSibling(cacheFile.getFileName() + CacheFiles.FORMAT_SUFFIX);
    }


    private static void writeDirtyBlock(final WriteCacheConfig cfg) throws IOException {
        try (WriteCache c = WriteCache.format(cfg)) {
            c.write(3L * BS, ByteBuffer.wrap(WriteCacheTest.block(3)), true);
        }
    }

    private static void assertDirtyBlock(final WriteCacheConfig cfg) throws IOException {
        try (WriteCache c = WriteCache.open(cfg)) {
            assertArrayEquals(WriteCacheTest.block(3), WriteCacheTest.read(c, 3L * BS, BS));
        }
    }

    @Test
    void aFileThatIsNotACacheIsNotOverwrittenWithoutForce() throws IOException {
        final WriteCacheConfig cfg = config().build();
        Files.writeString(cfg.cacheFile(), "precious");
        Refusals.assertOneLineNaming(assertThrows(IOException.class, () -> WriteCache.format(cfg)), cfg.cacheFile(),
            "not a writecache cache", Settings.FORCE_FORMAT);
        assertEquals("precious", Files.readString(cfg.cacheFile()));
        assertFalse(Files.exists(cfg.backingFile()), "a refused format created the backing file");
        try (WriteCache c = WriteCache.format(cfg.toBuilder().forceFormat(true).build())) {
            assertTrue(c.cacheBlocks() > 0);
        }
    }

    @Test
    void aFormatThatCannotGetItsSpaceLeavesTheOldCacheAsItWas() throws IOException {
        final WriteCacheConfig cfg = config().blockSize(65536).cacheSize(4L << 20).prefault(false).build();
        writeDirtyBlockOf64k(cfg);
        final long free = Files.getFileStore(cfg.cacheFile().getParent()).getUsableSpace();
        final long tooBig = free + (1L << 30);
        final Path emptyBacking = files.backingFile();
        Files.createFile(emptyBacking);
        final WriteCacheConfig huge = cfg.toBuilder().cacheSize(tooBig).forceFormat(true).backingFile(emptyBacking)
            .build();
        Refusals.assertOneLineNaming(assertThrows(IOException.class, () -> WriteCache.format(huge)), cfg.cacheFile(),
            "not enough space", tooBig, "the old cache file stays");
        assertEquals(0, Files.size(emptyBacking), "the empty backing file the format sized is empty again");
        assertEquals(4L << 20, Files.size(cfg.cacheFile()));
        assertFalse(Files.exists(formatFile(cfg.cacheFile())), "the file being built was left behind");
        try (WriteCache c = WriteCache.open(cfg)) {
            assertArrayEquals(block64k(), WriteCacheTest.read(c, 0, 65536));
        }
    }

    private static byte[] block64k() {
        final byte[] b = new byte[65536];
        java.util.Arrays.fill(b, (byte) 0x5A);
        return b;
    }

    private static void writeDirtyBlockOf64k(final WriteCacheConfig cfg) throws IOException {
        try (WriteCache c = WriteCache.format(cfg)) {
            c.write(0, ByteBuffer.wrap(block64k()), true);
        }
    }

    @Test
    void whatAKilledFormatLeftIsReplacedAndARunningFormatIsNotDisturbed() throws IOException {
        final WriteCacheConfig cfg = config().build();
        final Path stale = formatFile(cfg.cacheFile());
        files.track(stale);
        try (FileChannel ch = FileChannel.open(stale, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(1 << 20), 0); // a full-size, all-zero file: a format killed half way
        }
        try (LockedFile running = LockedFile.lock(stale, "cache file")) {
            Refusals.assertOneLineNaming(assertThrows(IOException.class, () -> WriteCache.format(cfg)),
                "another format", cfg.cacheFile(), "in progress");
            assertTrue(running.channel().isOpen());
        }
        assertFalse(Files.exists(cfg.cacheFile()));
        writeDirtyBlock(cfg);
        assertFalse(Files.exists(stale), "the stale file was not replaced");
        assertDirtyBlock(cfg);
    }

    @Test
    void aCacheInUseCannotBeFormattedOver() throws IOException {
        final WriteCacheConfig cfg = config().build();
        try (WriteCache c = WriteCache.format(cfg)) {
            c.write(3L * BS, ByteBuffer.wrap(WriteCacheTest.block(3)), true);
            final WriteCacheConfig again = cfg.toBuilder().backingFile(files.backingFile()).forceFormat(true).build();
            Refusals.assertOneLineNaming(assertThrows(CacheFileLockedException.class, () -> WriteCache.format(again)),
                cfg.cacheFile());
            assertFalse(Files.exists(again.backingFile()), "a refused format created the backing file");
            assertFalse(Files.exists(formatFile(cfg.cacheFile())));
        }
        assertDirtyBlock(cfg);
    }

    @Test
    void whatLiesBeforeTheStartOffsetIsKept() throws IOException {
        final WriteCacheConfig cfg = config().startOffset(BS).cacheSize((1 << 20) + BS).build();
        final byte[] header = WriteCacheTest.block(77);
        Files.write(cfg.cacheFile(), header);
        writeDirtyBlock(cfg);
        final byte[] now = new byte[BS];
        System.arraycopy(Files.readAllBytes(cfg.cacheFile()), 0, now, 0, BS);
        assertArrayEquals(header, now);
        assertDirtyBlock(cfg);
    }

    @Test
    void filesAreCreatedForTheOwnerOnly() throws IOException {
        final WriteCacheConfig cfg = config().build();
        try (WriteCache c = WriteCache.format(cfg)) {
            for (final Path p : List.of(cfg.cacheFile(), cfg.backingFile(), CountersFile.pathFor(cfg.cacheFile()))) {
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)), p.toString());
            }
            assertTrue(c.cacheBlocks() > 0);
        }
    }

    @Test
    void aSparseCacheFileIsRefusedAtOpenNotFaultedOnLater() throws IOException {
        final WriteCacheConfig cfg = config().build();
        writeDirtyBlock(cfg);
        final Path sparse = files.cacheFile();
        sparseCopy(cfg.cacheFile(), sparse);
        final WriteCacheConfig onSparse = cfg.toBuilder().cacheFile(sparse).build();
        Refusals.assertOneLineNaming(assertThrows(IOException.class, () -> WriteCache.open(onSparse)), sparse, "sparse");
        assertDirtyBlock(cfg);
    }

    @Test
    void aFileSystemTooSmallForTheCacheFailsTheFormatWithOneLineAndKeepsItsSpace() throws Exception {
        try (SmallTmpfs fs = SmallTmpfs.mount(8L << 20)) {
            final WriteCacheConfig cfg = config().cacheFile(fs.dir().resolve("c.wc")).cacheSize(16L << 20).build();
            Refusals.assertOneLineNaming(assertThrows(IOException.class, () -> WriteCache.format(cfg)), cfg.cacheFile(),
                16L << 20, "bytes free");
            try (Stream<Path> left = Files.list(fs.dir())) {
                assertEquals(List.of(), left.toList(), "a failed format left files behind");
            }
            assertFalse(Files.exists(cfg.backingFile()), "the backing file the format created is deleted again");

            final WriteCacheConfig fits = cfg.toBuilder().cacheSize(2L << 20).prefault(false).build();
            writeDirtyBlock(fits);
            final Path sparse = fs.dir().resolve("sparse.wc");
            sparseCopy(fits.cacheFile(), sparse);
            fill(fs.dir().resolve("filler"));
            final WriteCacheConfig onSparse = fits.toBuilder().cacheFile(sparse).build();
            Refusals.assertOneLineNaming(assertThrows(IOException.class, () -> WriteCache.open(onSparse)), sparse,
                "sparse");
            try (WriteCache c = WriteCache.open(fits)) {
                for (int i = 0; i < c.cacheBlocks(); i++) {
                    c.write((long) i * BS, ByteBuffer.wrap(WriteCacheTest.block(i)), false);
                }
                c.flush();
                assertEquals(0, c.status().error(), "every block of a formatted cache is allocated: no store faults");
                assertArrayEquals(WriteCacheTest.block(7), WriteCacheTest.read(c, 7L * BS, BS));
            }
        }
    }

    /** Copies a file leaving out its all-zero pages: a sparse file with the same contents. */
    static void sparseCopy(final Path from, final Path to) throws IOException {
        try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ);
             FileChannel out = FileChannel.open(to, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            final ByteBuffer page = ByteBuffer.allocate(BS);
            final byte[] zeros = new byte[BS];
            for (long at = 0; at < in.size(); at += BS) {
                page.clear();
                in.read(page, at);
                page.flip();
                if (!java.util.Arrays.equals(page.array(), 0, page.limit(), zeros, 0, page.limit())) {
                    out.write(page, at);
                }
            }
            if (out.size() < in.size()) {
                out.write(ByteBuffer.allocate(1), in.size() - 1);
            }
        }
    }

    /** Writes into {@code file} until the file system is full. */
    private static void fill(final Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            final ByteBuffer chunk = ByteBuffer.allocate(1 << 16);
            while (true) {
                chunk.clear();
                ch.write(chunk);
            }
        } catch (final IOException e) {
            assertTrue(String.valueOf(e.getMessage()).contains("No space left"), e.toString());
        }
    }
}
