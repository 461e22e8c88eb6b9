package org.writecache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** backing.file as a location: local paths, file: URIs, URIs a provider accepts, and URIs nobody accepts. */
class BlockDevicesTest {
    @RegisterExtension
    final TestFiles files = new TestFiles();

    private WriteCacheConfig.Builder config(final String location) {
        return WriteCacheConfig.builder().cacheFile(files.cacheFile()).cacheSize(1 << 20).backingLocation(location)
            .backingSize(4L << 20).background(false);
    }

    @Test
    void aUriNoProviderAcceptsIsRefusedByTheBuilderNamingSchemeAndArtifact() {
        for (final String location : List.of("nbd://localhost:10809/disk", "nbd+unix:///disk?socket=/tmp/s",
            "nbds://host/disk")) {
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> config(location).build());
            final String scheme = location.substring(0, location.indexOf(':'));
            assertTrue(e.getMessage().contains("scheme '" + scheme + "'")
                && e.getMessage().contains("org.writecache:writecache-nbd")
                && e.getMessage().contains(Settings.BACKING_FILE.name()), e.getMessage());
        }
        final IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
            () -> config("s3://bucket/disk").build());
        assertTrue(other.getMessage().contains("scheme 's3'") && !other.getMessage().contains("writecache-nbd"),
            other.getMessage());
    }

    @Test
    void localPathsAndFileUrisAreFilesAndUrisAreNot() {
        final Path local = files.backingFile().toAbsolutePath();
        assertEquals(local, config(local.toString()).build().backingFile());
        assertEquals(local, config(local.toUri().toString()).build().backingFile());
        final WriteCacheConfig viaProvider = config(TestDeviceProvider.PREFIX + local).build();
        assertNull(viaProvider.backingFile(), "a URI has no local path");
        assertEquals(TestDeviceProvider.PREFIX + local, viaProvider.backingLocation());
        assertEquals(TestDeviceProvider.PREFIX + local,
            viaProvider.toProperties().get(Settings.BACKING_FILE.name()));
    }

    @Test
    void formatAndOpenGoThroughTheProviderThatAcceptsTheLocation() throws IOException {
        final String location = TestDeviceProvider.PREFIX + files.backingFile().toAbsolutePath();
        final WriteCacheConfig c = config(location).build();
        final ByteBuffer block = ByteBuffer.allocate(4096);
        block.put(0, (byte) 7);
        try (WriteCache cache = WriteCache.format(c)) {
            cache.write(0, block, true);
            cache.writeback();
        }
        try (WriteCache cache = WriteCache.open(c)) {
            final ByteBuffer back = ByteBuffer.allocate(4096);
            cache.read(0, back);
            assertEquals(7, back.get(0));
        }
        synchronized (TestDeviceProvider.OPENS) {
            assertTrue(TestDeviceProvider.OPENS.containsAll(List.of(location + " format", location + " open")),
                TestDeviceProvider.OPENS.toString());
        }
    }

    @Test
    void formatWithoutABackingLocationNamesTheSetting() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> WriteCache.format(WriteCacheConfig.builder().cacheFile(files.cacheFile()).build()));
        assertTrue(e.getMessage().contains(Settings.BACKING_FILE.name()), e.getMessage());
    }
}
