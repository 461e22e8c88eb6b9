package org.writecache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.writecache.pmem.FlushPolicy;

class WriteCacheConfigTest {
    private static WriteCacheConfig.Builder valid() {
        return WriteCacheConfig.builder().cacheFile(Path.of("/dev/shm/x")).backingFile(Path.of("/tmp/y"));
    }

    static void rejects(final WriteCacheConfig.Builder b, final String... mustMention) {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::build);
        for (final String m : mustMention) {
            assertTrue(e.getMessage().contains(m), "'" + e.getMessage() + "' should mention " + m);
        }
    }

    @Test
    void defaultsAreDmWritecachesForPersistentMemory() {
        final WriteCacheConfig c = valid().build();
        assertEquals(4096, c.blockSize());
        assertEquals(50, c.highWatermark());
        assertEquals(45, c.lowWatermark());
        assertEquals(64, c.autocommitBlocks());
        assertEquals(Duration.ofSeconds(1), c.autocommitTime());
    }

    @Test
    void everyBadValueIsNamed() {
        rejects(WriteCacheConfig.builder(), Settings.CACHE_FILE.name());
        rejects(valid().blockSize(1000), Settings.BLOCK_SIZE.name(), "1000");
        rejects(valid().blockSize(131072), Settings.BLOCK_SIZE.name(), "131072");
        rejects(valid().highWatermark(101), Settings.HIGH_WATERMARK.name(), "101");
        rejects(valid().lowWatermark(-1), Settings.LOW_WATERMARK.name(), "-1");
        rejects(valid().highWatermark(40).lowWatermark(60), Settings.LOW_WATERMARK.name(), "60", "40");
        rejects(valid().writebackJobs(0), Settings.WRITEBACK_JOBS.name(), "0");
        rejects(valid().autocommitBlocks(0), Settings.AUTOCOMMIT_BLOCKS.name(), "0");
        rejects(valid().autocommitTime(Duration.ZERO), Settings.AUTOCOMMIT_TIME.name());
        rejects(valid().startOffset(100), Settings.START_OFFSET.name(), "100");
        rejects(valid().cacheSize(4096), Settings.CACHE_SIZE.name(), "4096", "metadata");
        rejects(valid().writeTimeout(Duration.ofMillis(-1)), Settings.WRITE_TIMEOUT.name());
    }

    @Test
    void propertiesParseUnitsAndRejectUnknownNamesAndBadValues() {
        final Properties p = new Properties();
        p.setProperty("cache.file", "/dev/shm/a");
        p.setProperty("backing.file", "/tmp/b");
        p.setProperty("cache.size", "64m");
        p.setProperty("block.size", "8k");
        p.setProperty("autocommit.time", "2s");
        p.setProperty("pmem.flush", "fence-only");
        final WriteCacheConfig c = WriteCacheConfig.builder().apply(p).build();
        assertEquals(64L << 20, c.cacheSize());
        assertEquals(8192, c.blockSize());
        assertEquals(Duration.ofSeconds(2), c.autocommitTime());
        assertEquals(FlushPolicy.FENCE_ONLY, c.flushPolicy());

        final IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
            () -> WriteCacheConfig.builder().set("cache.sise", "1m"));
        assertTrue(unknown.getMessage().contains("cache.sise"), unknown.getMessage());
        final IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
            () -> WriteCacheConfig.builder().set("cache.size", "12q"));
        assertTrue(size.getMessage().contains("cache.size") && size.getMessage().contains("12q"), size.getMessage());
        final IllegalArgumentException flag = assertThrows(IllegalArgumentException.class,
            () -> WriteCacheConfig.builder().set("pmem.prefault", "maybe"));
        assertTrue(flag.getMessage().contains("maybe"), flag.getMessage());
        final IllegalArgumentException flush = assertThrows(IllegalArgumentException.class,
            () -> WriteCacheConfig.builder().set("pmem.flush", "sometimes"));
        assertTrue(flush.getMessage().contains("sometimes") && flush.getMessage().contains("msync"),
            flush.getMessage());
    }

    @Test
    void theShippedPropertiesFileListsEverySettingWithItsDefault() throws IOException {
        final WriteCacheConfig shipped = WriteCacheConfig.load(Path.of("..", "config", "writecache.properties"))
            .build();
        final WriteCacheConfig defaults = valid().cacheFile(shipped.cacheFile()).backingFile(shipped.backingFile())
            .backingSize(shipped.backingSize()).build();
        assertEquals(defaults.toProperties(), shipped.toProperties(),
            "config/writecache.properties must hold every default");
    }

    @Test
    void propertiesRoundTrip() {
        final WriteCacheConfig c = valid().blockSize(512).autocommitBlocks(7).writebackFua(true).build();
        final WriteCacheConfig.Builder again = WriteCacheConfig.builder();
        c.toProperties().forEach(again::set);
        assertEquals(c.toProperties(), again.build().toProperties());
    }
}
