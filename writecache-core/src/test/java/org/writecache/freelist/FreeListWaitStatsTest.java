package org.writecache.freelist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.writecache.Settings;
import org.writecache.WaitPolicy;
import org.writecache.WriteCacheConfig;

/**
 * Wait statistics, stranded time and JFR events, single-threaded on a manual clock: waiter A is woken by a free and
 * finds its need met; under swait waiter B then sits next to the free block until an unrelated free 300 ns later.
 */
class FreeListWaitStatsTest {
    private long now;

    private final Parker noParking = new Parker() {
        @Override
        public void park(final Waiter waiter, final long timeoutNanos) {
            throw new AssertionError("the test never parks");
        }

        @Override
        public void unpark(final Waiter waiter) {
            // The test calls the freelist from one thread; waking is only bookkeeping here.
        }
    };

    private WaitStats runScenario(final WaitPolicy policy) {
        return runScenario(policy, true);
    }

    private WaitStats runScenario(final WaitPolicy policy, final boolean record) {
        final FreeList list = new FreeList(2, policy, noParking, () -> now, record);
        final int[] out = new int[1];
        final Waiter a = new Waiter(Thread.currentThread());
        final Waiter b = new Waiter(Thread.currentThread());
        now = 0;
        assertFalse(list.allocate(1, a, out));
        assertFalse(list.allocate(1, b, out));
        now = 100;
        list.release(0);
        now = 150;
        list.endWait(a);
        now = 450;
        list.release(1);
        now = 500;
        assertTrue(list.allocate(1, b, out), policy + ": b gets a block");
        list.endWait(b);
        assertEquals(1, list.available(), policy + ": one block left");
        return list.waitStats();
    }

    @ParameterizedTest
    @EnumSource(WaitPolicy.class)
    void strandedTimeIsMeasuredOnTheInjectedClock(final WaitPolicy policy) {
        final WaitStats s = runScenario(policy);
        assertEquals(2, s.waits(), s.toString());
        assertEquals(0, s.waiting(), s.toString());
        assertEquals(1, s.futileWakeups(), "a was woken and took nothing: " + s);
        assertEquals(500, s.waitMaxNanos(), s.toString());
        if (policy == WaitPolicy.SWAIT) {
            assertEquals(1, s.blips(), s.toString());
            assertEquals(300, s.strandedNanos(), "b sat next to a free block from 150 to 450: " + s);
            assertEquals(300, s.longestBlipNanos(), s.toString());
        } else {
            assertEquals(0, s.blips(), s.toString());
            assertEquals(0, s.strandedNanos(), s.toString());
        }
    }

    @ParameterizedTest
    @EnumSource(WaitPolicy.class)
    void withRecordingOffNothingIsRecordedAndTheListWorksTheSame(final WaitPolicy policy) {
        final WaitStats s = runScenario(policy, false);
        assertEquals(new WaitStats(policy, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), s);
        assertFalse(WriteCacheConfig.builder().cacheFile(Path.of("cache.wc")).cacheSize(1 << 20)
            .set(Settings.FREELIST_STATS.name(), "false").build().freeListStats());
        assertEquals("true", WriteCacheConfig.builder().cacheFile(Path.of("cache.wc")).cacheSize(1 << 20).build()
            .toProperties().get(Settings.FREELIST_STATS.name()));
    }

    @Test
    void waitsAndBlipsAreRecordedAsJfrEvents() throws Exception {
        final Path file = Files.createTempFile("freelist", ".jfr");
        try (Recording r = new Recording()) {
            r.enable("org.writecache.FreeListWait");
            r.enable("org.writecache.FreeListBlip");
            r.start();
            runScenario(WaitPolicy.SWAIT);
            r.stop();
            r.dump(file);
            final List<RecordedEvent> events = RecordingFile.readAllEvents(file);
            assertEquals(2, events.stream().filter(e -> e.getEventType().getName().equals("org.writecache.FreeListWait"))
                .count(), events.toString());
            final List<RecordedEvent> blips = events.stream()
                .filter(e -> e.getEventType().getName().equals("org.writecache.FreeListBlip")).toList();
            assertEquals(1, blips.size(), events.toString());
            assertEquals("swait", blips.get(0).getString("policy"));
            assertEquals(1, blips.get(0).getInt("freeBlocks"));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void policiesParseFromConfigurationAndBadNamesAreNamed() {
        for (final WaitPolicy p : WaitPolicy.values()) {
            assertEquals(p, WriteCacheConfig.builder().cacheFile(Path.of("cache.wc")).cacheSize(1 << 20)
                .set(Settings.WAIT_POLICY.name(), p.label()).build().waitPolicy());
        }
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> WaitPolicy.parse("wake-some"));
        assertTrue(e.getMessage().contains("wake-some") && e.getMessage().contains("direct"), e.getMessage());
        assertFalse(WaitPolicy.SWAIT.safe());
        assertTrue(WaitPolicy.EXCLUSIVE.safe() && WaitPolicy.WAKE_ALL.safe() && WaitPolicy.DIRECT.safe());
    }
}
