package org.writecache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.writecache.pmem.FlushPolicy;

/** The descriptors: the files generated from them, every value's text round trip, one parser for every form. */
class SettingsTest {
    private static final Path TOP = Path.of("..");

    @Test
    void theShippedPropertiesFileIsTheGeneratedText() throws IOException {
        assertEquals(SettingsText.propertiesFile(), Files.readString(TOP.resolve("config/writecache.properties")),
            "regenerate it: bin/writecache config --defaults > config/writecache.properties");
        final WriteCacheConfig shipped = WriteCacheConfig.load(TOP.resolve("config/writecache.properties")).build();
        for (final Setting<?> s : Settings.all()) {
            if (s.defaultValue() != null && s.shippedValue().equals(format(s, s.defaultValue()))) {
                assertEquals(s.defaultValue(), shipped.get(s), s.name());
            }
        }
    }

    @Test
    void theReadmeTableIsTheGeneratedTable() throws IOException {
        assertTrue(Files.readString(TOP.resolve("README.md")).contains(SettingsText.markdownTable()),
            "the README's settings table must be: bin/writecache config --markdown\n" + SettingsText.markdownTable());
    }

    @Test
    void everyDefaultAndEveryChoiceReadsBackFromItsText() {
        for (final Setting<?> s : Settings.all()) {
            if (s.defaultValue() != null) {
                assertEquals(s.defaultValue(), s.parse(format(s, s.defaultValue())), s.name());
            }
            if (s.type().isEnum()) {
                for (final Object constant : s.type().getEnumConstants()) {
                    assertEquals(constant, s.parse(format(s, constant)), s.name());
                }
            }
        }
        assertEquals(FlushPolicy.FENCE_ONLY, WriteCacheConfig.builder().set("pmem.flush", "fence-only")
            .get(Settings.FLUSH_POLICY), "the spelling toProperties writes");
    }

    @Test
    void sizesAndDurationsTakeEveryFormEverywhere() {
        final WriteCacheConfig c = WriteCacheConfig.builder().set("cache.file", "/dev/shm/x")
            .set("autocommit.time", "1.5s").set("block.size", "4kib").set("cache.size", "1.5g")
            .set("backing.size", "2 GiB").set("writeback.pause", "250us").set("writeback.max.age", "PT1M").build();
        assertEquals(Duration.ofMillis(1500), c.autocommitTime());
        assertEquals(4096, c.blockSize());
        assertEquals(3L << 29, c.cacheSize());
        assertEquals(2L << 30, c.backingSize());
        assertEquals(Duration.ofNanos(250_000), c.pause());
        assertEquals(Duration.ofMinutes(1), c.maxAge());
        assertEquals("1500ms", c.toProperties().get("autocommit.time"));
        assertEquals("1536m", c.toProperties().get("cache.size"));
        for (final String bad : List.of("-5s", "5 parsecs", "1.0000000001ns", "", "s")) {
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WriteCacheConfig.builder().set("autocommit.time", bad));
            assertTrue(e.getMessage().startsWith("bad value for autocommit.time: ")
                && e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
        for (final String bad : List.of("-1", "1.5", "12q", "9000p", "k")) {
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WriteCacheConfig.builder().set("cache.size", bad));
            assertTrue(e.getMessage().contains("cache.size") && e.getMessage().contains("'" + bad + "'"),
                e.getMessage());
        }
    }

    @Test
    void anUnknownNameIsNamedWithTheClosestKnownOne() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> WriteCacheConfig.builder().set("cache.sise", "1m"));
        assertTrue(e.getMessage().contains("'cache.sise'") && e.getMessage().contains("did you mean 'cache.size'"),
            e.getMessage());
        final IllegalArgumentException junk = assertThrows(IllegalArgumentException.class,
            () -> WriteCacheConfig.builder().set("PK\u0003\u0004\u0000binary", "x"));
        assertTrue(junk.getMessage().contains("'PK\\u0003\\u0004\\u0000binary'"), junk.getMessage());
    }

    @Test
    void aFileThatIsNotAPropertiesFileIsNamed(@org.junit.jupiter.api.io.TempDir final Path dir) throws IOException {
        final Path jar = dir.resolve("tool.jar");
        Files.write(jar, new byte[] {'P', 'K', 3, 4, '\\', 'u', 'z', 'z', '\n'});
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> WriteCacheConfig.load(jar));
        assertTrue(e.getMessage().contains(jar.toString()) && e.getMessage().contains("not a properties file"),
            e.getMessage());
        final IOException missing = assertThrows(IOException.class, () -> WriteCacheConfig.load(dir.resolve("no")));
        assertTrue(missing.getMessage().contains(dir.resolve("no").toString())
            && missing.getMessage().contains("no such file"), missing.getMessage());
        Files.writeString(dir.resolve("bad.properties"), "cache.file=/dev/shm/x\nwriteback.jobs=lots\n");
        final IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
            () -> WriteCacheConfig.load(dir.resolve("bad.properties")));
        assertTrue(bad.getMessage().contains("bad.properties") && bad.getMessage().contains("writeback.jobs")
            && bad.getMessage().contains("'lots'"), bad.getMessage());
    }

    private static <T> String format(final Setting<T> s, final Object value) {
        return s.format(s.cast(value));
    }
}
