package org.writecache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.writecache.pmem.CacheFileLockedException;

/**
 * A backing file that is missing, resized, shared with another cache or the cache file itself is refused with one
 * line naming it, and nothing is created, extended or overwritten.
 */
class BackingFileMisuseTest {
    private static final int BS = 4096;
    private static final long DEVICE = 4L << 20;

    @RegisterExtension
    final TestFiles files = new TestFiles();

    private WriteCacheConfig.Builder config() {
        return files.smallCache();
    }

    /** Formats a cache and leaves block 3 dirty in it. */
    private static WriteCacheConfig formatWithDirtyBlock(final WriteCacheConfig cfg) throws IOException {
        try (WriteCache c = WriteCache.format(cfg)) {
            c.write(3L * BS, ByteBuffer.wrap(WriteCacheTest.block(3)), true);
        }
        return cfg;
    }


    private static void assertDirtyBlockIntact(final WriteCacheConfig cfg) throws IOException {
        try (WriteCache c = WriteCache.open(cfg)) {
            assertEquals(1, c.status().dirtyBlocks());
            assertArrayEquals(WriteCacheTest.block(3), WriteCacheTest.read(c, 3L * BS, BS));
        }
    }

    @Test
    void openRefusesAMissingBackingFileAndDoesNotCreateIt() throws IOException {
        final WriteCacheConfig cfg = formatWithDirtyBlock(config().build());
        final Path moved = files.backingFile();
        Files.move(cfg.backingFile(), moved);
        Refusals.assertOneLineNaming(assertThrows(NoSuchFileException.class, () -> WriteCache.open(cfg)),
            cfg.backingFile(), "only format creates one");
        assertFalse(Files.exists(cfg.backingFile()), "open created the backing file");
        Files.move(moved, cfg.backingFile());
        assertDirtyBlockIntact(cfg);
    }

    @Test
    void openRefusesAShortenedBackingFileNamingBothSizesAndDoesNotExtendIt() throws IOException {
        final WriteCacheConfig cfg = formatWithDirtyBlock(config().build());
        try (FileChannel ch = FileChannel.open(cfg.backingFile(), StandardOpenOption.WRITE)) {
            ch.truncate(DEVICE / 2);
        }
        Refusals.assertOneLineNaming(assertThrows(IOException.class, () -> WriteCache.open(cfg)),
            cfg.backingFile(), DEVICE / 2, DEVICE);
        assertEquals(DEVICE / 2, Files.size(cfg.backingFile()), "open extended the backing file");
    }

    @Test
    void openRefusesALongerBackingFileOrOtherBackingSizeUnlessTheSizeSaysPrefix() throws IOException {
        final WriteCacheConfig cfg = formatWithDirtyBlock(config().build());
        try (FileChannel ch = FileChannel.open(cfg.backingFile(), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(1), 2 * DEVICE - 1);
        }
        final WriteCacheConfig lengthOfFile = cfg.toBuilder().backingSize(0).build();
        Refusals.assertOneLineNaming(assertThrows(IOException.class, () -> WriteCache.open(lengthOfFile)),
            cfg.backingFile(), 2 * DEVICE, DEVICE, Settings.BACKING_SIZE);
        final WriteCacheConfig other = cfg.toBuilder().backingSize(2 * DEVICE).build();
        Refusals.assertOneLineNaming(assertThrows(IOException.class, () -> WriteCache.open(other)),
            Settings.BACKING_SIZE, 2 * DEVICE, DEVICE);
        assertDirtyBlockIntact(cfg);
    }

    @Test
    void formatCreatesAMissingBackingFileButNeverExtendsOneThatHoldsData() throws IOException {
        final WriteCacheConfig cfg = config().build();
        Files.write(cfg.backingFile(), new byte[BS]);
        Refusals.assertOneLineNaming(assertThrows(IOException.class, () -> WriteCache.format(cfg)),
            cfg.backingFile(), BS, DEVICE);
        assertEquals(BS, Files.size(cfg.backingFile()));
        assertFalse(Files.exists(cfg.cacheFile()), "a refused format left a cache file");
        Files.delete(cfg.backingFile());
        try (WriteCache c = WriteCache.format(cfg)) {
            assertEquals(DEVICE, c.size());
        }
        assertEquals(DEVICE, Files.size(cfg.backingFile()));
        final WriteCacheConfig onEmpty = config().build();
        Files.createFile(onEmpty.backingFile()); // an empty file holds nothing: format sizes it
        try (WriteCache c = WriteCache.format(onEmpty)) {
            assertEquals(DEVICE, c.size());
        }
    }

    @Test
    void theCacheFileAsBackingFileIsRefusedEvenThroughLinks() throws IOException {
        final WriteCacheConfig cfg = formatWithDirtyBlock(config().build());
        final Path hardLink = files.cacheFile();
        Files.createLink(hardLink, cfg.cacheFile());
        final Path symlink = files.cacheFile();
        Files.createSymbolicLink(symlink, cfg.cacheFile());
        for (final Path alias : List.of(cfg.cacheFile(), hardLink, symlink)) {
            final WriteCacheConfig same = cfg.toBuilder().backingFile(alias).backingSize(0).build();
            Refusals.assertOneLineNaming(assertThrows(IllegalArgumentException.class, () -> WriteCache.open(same)),
                alias, "same device and inode");
            final WriteCacheConfig sameForced = same.toBuilder().forceFormat(true).build();
            Refusals.assertOneLineNaming(assertThrows(IllegalArgumentException.class, () -> WriteCache.format(sameForced)),
                alias, "same device and inode");
        }
        assertDirtyBlockIntact(cfg);
    }

    @Test
    void oneNewPathAsCacheAndBackingFileIsRefusedAndLeavesNothing() {
        final Path both = files.cacheFile();
        final WriteCacheConfig cfg = config().cacheFile(both).backingFile(both).build();
        Refusals.assertOneLineNaming(assertThrows(IllegalArgumentException.class, () -> WriteCache.format(cfg)),
            both, "same device and inode");
        assertFalse(Files.exists(both));
    }

    @Test
    void aSecondCacheCannotUseABackingFileInUseInThisProcess() throws IOException {
        final WriteCacheConfig first = config().build();
        final WriteCacheConfig second = config().backingFile(first.backingFile()).build();
        try (WriteCache c = WriteCache.format(first)) {
            c.write(0, ByteBuffer.wrap(WriteCacheTest.block(1)), true);
            Refusals.assertOneLineNaming(assertThrows(CacheFileLockedException.class, () -> WriteCache.format(second)),
                "backing file", first.backingFile());
            assertFalse(Files.exists(second.cacheFile()), "a refused format left a cache file");
            assertArrayEquals(WriteCacheTest.block(1), WriteCacheTest.read(c, 0, BS));
        }
    }

    @Test
    void aSecondCacheCannotUseABackingFileInUseInAnotherProcess() throws Exception {
        final WriteCacheConfig first = config().build();
        final WriteCacheConfig second = config().backingFile(first.backingFile()).build();
        try (WriteCache c = WriteCache.format(first)) {
            c.write(0, ByteBuffer.wrap(WriteCacheTest.block(1)), true);
            final String out = runChild(second.cacheFile(), first.backingFile());
            assertTrue(out.startsWith("refused: ") && out.contains("backing file") && out.contains("locked"), out);
            assertFalse(Files.exists(second.cacheFile()), "the other process left a cache file");
        }
        final String out = runChild(second.cacheFile(), first.backingFile());
        assertEquals("formatted", out, "once the first cache is closed the backing file is free");
    }

    /** Runs {@link FormatChild}: formats a cache in {@code cache} in front of {@code backing}; returns its line. */
    private static String runChild(final Path cache, final Path backing) throws Exception {
        final List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElseThrow());
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.addAll(List.of("-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
            FormatChild.class.getName(), cache.toString(), backing.toString()));
        final Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child did not finish");
        return out;
    }

    /** The other process: tries to format a cache and prints what happened. */
    public static final class FormatChild {
        private FormatChild() {
        }

        /** Arguments: cache file, backing file. */
        public static void main(final String[] args) throws IOException {
            final WriteCacheConfig cfg = WriteCacheConfig.builder().cacheFile(Path.of(args[0])).cacheSize(1 << 20)
                .backingFile(Path.of(args[1])).backingSize(DEVICE).background(false).forceFormat(true).build();
            try (WriteCache c = WriteCache.format(cfg)) {
                System.out.println(c.cacheBlocks() > 0 ? "formatted" : "formatted without blocks");
            } catch (final IOException e) {
                System.out.println("refused: " + e.getMessage());
            }
        }
    }
}
