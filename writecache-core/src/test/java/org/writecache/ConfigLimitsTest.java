package org.writecache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every duration and size is bounded by the builder, so nothing the engine computes from them overflows: values near
 * Long.MAX are refused with the bound named, and the largest accepted values run.
 */
class ConfigLimitsTest {
    @RegisterExtension
    final TestFiles files = new TestFiles();

    private static final List<Setting<Duration>> DURATIONS = List.of(Settings.AUTOCOMMIT_TIME, Settings.MAX_AGE,
        Settings.PAUSE, Settings.WRITE_TIMEOUT);

    private WriteCacheConfig.Builder valid() {
        return WriteCacheConfig.builder().cacheFile(files.cacheFile()).cacheSize(1 << 20)
            .backingFile(files.backingFile()).backingSize(4L << 20);
    }

    @Test
    void durationsNearLongMaxAreRefusedNamingTheBound() {
        for (final Setting<Duration> s : DURATIONS) {
            WriteCacheConfigTest.rejects(valid().set(s, Duration.ofSeconds(Long.MAX_VALUE)), s.name(),
                Units.MAX_DURATION_TEXT);
            WriteCacheConfigTest.rejects(valid().set(s, Duration.ofMillis(Long.MAX_VALUE)), s.name(), Units.MAX_DURATION_TEXT);
            WriteCacheConfigTest.rejects(valid().set(s, Units.MAX_DURATION.plusNanos(1)), s.name(), Units.MAX_DURATION_TEXT);
            final IllegalArgumentException text = assertThrows(IllegalArgumentException.class,
                () -> valid().set(s.name(), Long.toString(Long.MAX_VALUE)));
            assertTrue(text.getMessage().contains(s.name()) && text.getMessage().contains(Units.MAX_DURATION_TEXT),
                text.getMessage());
        }
    }

    @Test
    void theLongestAcceptedDurationsRunInTheEngine() throws IOException {
        final WriteCacheConfig.Builder b = valid().background(true);
        DURATIONS.forEach(s -> b.set(s, Units.MAX_DURATION));
        try (WriteCache c = WriteCache.format(b.build())) {
            c.write(0, ByteBuffer.allocate(4096), false);
            assertEquals(0, c.doWork(), "nothing is due: every duration is a century");
            c.flush();
            assertEquals(1, c.writeback());
        }
        try (WriteCache c = WriteCache.open(b.background(false).build())) {
            c.write(4096, ByteBuffer.allocate(4096), true);
            assertEquals(1, c.status().dirtyBlocks());
        }
    }

    @Test
    void sizesTheFormatOrTheEngineCannotHoldAreRefused() {
        WriteCacheConfigTest.rejects(valid().backingSize(Long.MAX_VALUE), Settings.BACKING_SIZE.name(), "2^32-2 blocks");
        WriteCacheConfigTest.rejects(valid().backingSize(100), Settings.BACKING_SIZE.name(), "one block");
        WriteCacheConfigTest.rejects(valid().cacheSize(Long.MAX_VALUE), Settings.CACHE_SIZE.name(), "2^31-1 blocks");
        WriteCacheConfigTest.rejects(valid().cacheSize(-1), Settings.CACHE_SIZE.name(), "-1");
        WriteCacheConfigTest.rejects(valid().startOffset(Long.MAX_VALUE - 511), Settings.CACHE_SIZE.name(), "offset");
        WriteCacheConfigTest.rejects(valid().cacheSize(4L << 30).blockSize(65536).writebackJobs(1 << 20), Settings.WRITEBACK_JOBS.name(),
            "staging buffer", "32767");
    }
}
