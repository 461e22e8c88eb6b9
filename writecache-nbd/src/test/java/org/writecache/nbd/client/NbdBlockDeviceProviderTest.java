package org.writecache.nbd.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.writecache.BlockDevices;
import org.writecache.Settings;
import org.writecache.WriteCache;
import org.writecache.WriteCacheConfig;
import org.writecache.WriteCacheException;
import org.writecache.nbd.ExternalTool;
import org.writecache.nbd.NbdkitProcess;

/** {@code backing.file=nbd://...} through the configuration: the provider is found and applies the backing settings. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class NbdBlockDeviceProviderTest {
    @TempDir
    Path dir;
    private final Path cacheFile = Path.of("/dev/shm", "writecache-provider-" + System.nanoTime() + ".wc");

    @AfterEach
    void deleteCacheFile() throws IOException {
        Files.deleteIfExists(cacheFile);
        Files.deleteIfExists(Path.of(cacheFile + ".counters"));
    }

    private WriteCacheConfig.Builder config(final String location) {
        return WriteCacheConfig.builder().cacheFile(cacheFile).cacheSize(4L << 20).backingLocation(location)
            .background(false).prefault(false);
    }

    @Test
    void nbdLocationsFindTheProviderAndItsSettingsAreValidated() {
        assertInstanceOf(NbdBlockDeviceProvider.class, BlockDevices.provider("nbd://127.0.0.1:1/x").orElseThrow());
        assertInstanceOf(NbdBlockDeviceProvider.class,
            BlockDevices.provider("nbd+unix:///x?socket=/tmp/s").orElseThrow());
        assertTrue(BlockDevices.provider("/var/tmp/disk.img").isEmpty());
        final NbdClientSettings s = NbdBlockDeviceProvider.settings(config("nbd://h/e").blockSize(8192)
            .writebackJobs(16).set(Settings.BACKING_TIMEOUT, Duration.ofMillis(1500))
            .set(Settings.BACKING_RECONNECT_ATTEMPTS, 0).set(Settings.BACKING_RECONNECT_BACKOFF, Duration.ofSeconds(2))
            .build());
        assertEquals(new NbdClientSettings(8192, 16, Duration.ofMillis(1500), 0, Duration.ofSeconds(2)), s);
        final IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
            () -> config("nbd://h/e").set("backing.timeout", "0").build());
        assertTrue(zero.getMessage().contains("backing.timeout"), zero.getMessage());
    }

    @Test
    void aBadNbdUriFailsTheFormatWithOneLine() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> WriteCache.format(config("nbd+unix:///disk").build()));
        assertTrue(e.getMessage().startsWith("bad NBD URI 'nbd+unix:///disk'"), e.getMessage());
    }

    @Test
    void theConfiguredRequestTimeoutBoundsWritebackToAHungServer() throws IOException {
        ExternalTool.require("nbdkit", "nbdkit");
        try (NbdkitProcess s = NbdkitProcess.unix(dir, "--filter=delay", "memory", "size=16M", "delay-write=30");
             WriteCache cache = WriteCache.format(config(s.uri()).set("backing.timeout", "300ms")
                 .set("backing.reconnect.attempts", "0").build())) {
            assertEquals(16L << 20, cache.size(), "backing.size 0 takes the export's size");
            cache.write(0, ByteBuffer.allocate(4096), true);
            final long start = System.nanoTime();
            final WriteCacheException e = assertThrows(WriteCacheException.class, cache::writeback);
            assertTrue(e.getMessage().contains("no reply within 300 ms") && e.getMessage().contains(s.uri()),
                e.getMessage());
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "the timeout, not the server's delay");
            assertEquals(5, cache.status().error());
        }
    }
}
