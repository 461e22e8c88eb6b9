package org.writecache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

class DmTableTest {
    @Test
    void aDmsetupLineParsesAndPrintsBack() {
        final String line = "writecache p /var/disk.img /dev/shm/c.wc 4096 18 start_sector 8 high_watermark 60"
            + " low_watermark 40 writeback_jobs 256 autocommit_blocks 32 autocommit_time 500 max_age 30000"
            + " pause_writeback 2000 fua cleaner";
        final WriteCacheConfig c = DmTable.parse("0 2097152 " + line).build();
        assertEquals(Path.of("/var/disk.img"), c.backingFile());
        assertEquals(Path.of("/dev/shm/c.wc"), c.cacheFile());
        assertEquals(4096, c.startOffset());
        assertEquals(60, c.highWatermark());
        assertEquals(40, c.lowWatermark());
        assertEquals(256, c.writebackJobs());
        assertEquals(32, c.autocommitBlocks());
        assertEquals(Duration.ofMillis(500), c.autocommitTime());
        assertEquals(Duration.ofSeconds(30), c.maxAge());
        assertEquals(Duration.ofSeconds(2), c.pause());
        assertTrue(c.writebackFua());
        assertTrue(c.cleaner());
        assertEquals(line, DmTable.format(c));
        assertEquals(DmTable.format(c), DmTable.format(DmTable.parse(DmTable.format(c)).build()));
    }

    @Test
    void badLinesNameTheBadWord() {
        assertMessage("mode 's'", "writecache s /b /c 4096 0");
        assertMessage("#opts is 2", "writecache p /b /c 4096 2 fua");
        assertMessage("unknown writecache option 'bogus'", "writecache p /b /c 4096 1 bogus");
        assertMessage("metadata_only", "writecache p /b /c 4096 1 metadata_only");
        assertMessage("high_watermark must be a non-negative number: 'x'", "writecache p /b /c 4096 2 high_watermark x");
        assertMessage("max_age needs a value", "writecache p /b /c 4096 1 max_age");
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> DmTable.parse("writecache p /b /c 4096 2 max_age 5").build());
        assertTrue(e.getMessage().contains(Settings.MAX_AGE.name()) && e.getMessage().contains("5ms"),
            e.getMessage());
        final IllegalArgumentException low = assertThrows(IllegalArgumentException.class,
            () -> DmTable.parse("writecache p /b /c 4096 4 high_watermark 30 low_watermark 40").build());
        assertTrue(low.getMessage().contains("(40)"), low.getMessage());
    }

    @Test
    void numbersTooLargeForTheirSettingAreNamedNotOverflowed() {
        assertMessage("start_sector is too large: '99999999999999999'",
            "writecache p /b /c 4096 2 start_sector 99999999999999999");
        assertMessage("writeback_jobs is too large: '4294967296'", "writecache p /b /c 4096 2 writeback_jobs 4294967296");
        final IllegalArgumentException time = assertThrows(IllegalArgumentException.class,
            () -> DmTable.parse("writecache p /b /c 4096 2 autocommit_time " + Long.MAX_VALUE).build());
        assertTrue(time.getMessage().contains(Settings.AUTOCOMMIT_TIME.name())
            && time.getMessage().contains(Units.MAX_DURATION_TEXT), time.getMessage());
    }

    @Test
    void aLineAppliedToABuilderKeepsWhatTheLineDoesNotSay() {
        final WriteCacheConfig c = DmTable.parse("writecache p /b /c 512 1 fua",
            WriteCacheConfig.builder().writebackJobs(7).cacheSize(1 << 20)).build();
        assertEquals(7, c.writebackJobs());
        assertEquals(1 << 20, c.cacheSize());
        assertEquals(512, c.blockSize());
        assertTrue(c.writebackFua());
    }

    private static void assertMessage(final String expected, final String line) {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DmTable.parse(line));
        assertTrue(e.getMessage().contains(expected), "'" + e.getMessage() + "' lacks '" + expected + "'");
    }
}
