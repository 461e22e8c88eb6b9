package org.writecache;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.writecache.freelist.Explorer;
import org.writecache.freelist.FreeListProbe.Planted;
import org.writecache.stats.CountersFile;

/**
 * The schedule explorer over the engine's wait protocol ({@code CacheEngine.writeChunk}), through the real
 * {@link WriteCache}: writers are actors, and commits, writebacks, discards of one or several blocks and close are
 * steps of the environment, so a writer's need shrinks (another writer cached its block uncommitted) or grows (a
 * commit landed) between its lookup and its wake-up; writers also time out and are interrupted. The checks are those
 * of the freelist explorer plus the engine's block states, and after each run writeback drains the cache and every
 * writer must finish. The scenarios include the reproductions of both fixed bugs and the 2018 seed; the
 * correct policies pass them, while swait and the planted bugs are caught.
 */
class WriteScheduleTest {
    /** Thousands of caches open and close here: their start-up lines would bury the output. */
    private static final Logger QUIET = Logger.getLogger(WriteCache.class.getName());

    static {
        QUIET.setLevel(Level.WARNING);
    }

    @RegisterExtension
    final TestFiles files = new TestFiles();

    private interface Setup {
        void on(CacheWorld w) throws Exception;
    }

    private record Scenario(int blocks, Duration timeout, Explorer.Bounds bounds, Setup setup) {
    }

    private static Map<String, Scenario> scenarios() {
        final Map<String, Scenario> m = new LinkedHashMap<>();
        m.put("a commit between lookup and wake-up makes a need grow", new Scenario(8, Duration.ZERO,
            new Explorer.Bounds(3, 30, 0, 0), w -> {
                w.fill(false, 1, 3, 5, 7, 9, 11, 13, 15);
                w.writer("A", 0, 2);
                w.writer("B", 2, 2);
                w.discard(5, 1);
                w.discard(7, 4);
                w.commits(1);
                w.writebacks(1);
            }));
        m.put("the issue's deadlock: eight writers whose needs all grow", new Scenario(8, Duration.ZERO,
            new Explorer.Bounds(1, 30, 0, 0), w -> {
                w.fill(false, 1, 3, 5, 7, 9, 11, 13, 15);
                for (int k = 0; k < 8; k++) {
                    w.writer("W" + k, 2L * k, 2);
                }
                w.writebacks(1);
            }));
        m.put("a woken writer uses part of its promise", new Scenario(16, Duration.ZERO,
            new Explorer.Bounds(3, 30, 0, 0), w -> {
                w.fill(true, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
                w.writer("X", 100, 1);
                w.writer("W2", 100, 2);
                w.writer("W1", 200, 4);
                w.writer("Q", 300, 1);
                w.discard(0, 1);
                w.discard(1, 2);
            }));
        m.put("the 2018 seed: a woken writer overwrites in place", new Scenario(16, Duration.ZERO,
            new Explorer.Bounds(3, 30, 0, 0), w -> {
                w.fill(true, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
                w.writer("W1", 100, 1);
                w.writer("W2", 100, 1);
                w.writer("W3", 200, 1);
                w.discard(1, 1);
                w.discard(2, 1);
            }));
        m.put("timeouts, interrupts, spurious wakeups and close", new Scenario(8, Duration.ofSeconds(1),
            new Explorer.Bounds(2, 30, 1, 1), w -> {
                w.fill(true, 0, 1, 2, 3, 4, 5, 6, 7);
                w.writer("A", 20, 2);
                w.writer("B", 21, 1);
                w.writer("C", 30, 1);
                w.discard(0, 1);
                w.discard(2, 2);
                w.commits(1);
                w.writebacks(1);
                w.closes();
            }));
        return m;
    }

    private long exploreAll(final String what, final WaitPolicy policy, final Planted planted) throws Exception {
        final Path cacheFile = files.cacheFile();
        long runs = 0;
        try {
            for (final var e : scenarios().entrySet()) {
                final Scenario s = e.getValue();
                runs += Explorer.explore(what + ", " + e.getKey(), s.bounds(), c -> {
                    final CacheWorld w = new CacheWorld(c, cacheFile, s.blocks(), policy, planted, s.timeout());
                    s.setup().on(w);
                    c.onQuiescent(w::check);
                    return w::finish;
                });
            }
        } finally {
            Files.deleteIfExists(CountersFile.pathFor(cacheFile));
        }
        return runs;
    }

    @ParameterizedTest
    @EnumSource(value = WaitPolicy.class, names = "SWAIT", mode = EnumSource.Mode.EXCLUDE)
    void correctPoliciesPassEverySchedule(final WaitPolicy policy) throws Exception {
        final long runs = exploreAll(policy.label(), policy, null);
        System.out.println(policy + ": " + runs + " schedules explored, all passed");
        assertTrue(runs > 100, "explored " + runs);
    }

    @Test
    void catchesSwaitsLostWakeup() {
        expectCaught("swait", "lost wakeup", WaitPolicy.SWAIT, null);
    }

    @Test
    void catchesTheDirectHandOffThatRequeuedHoldingItsHand() {
        expectCaught("planted direct", "idle in the hands", WaitPolicy.DIRECT, Planted.DIRECT_REQUEUE_KEEPS_HAND);
    }

    @Test
    void catchesTheExclusivePassOnThatLostAPartlyUsedPromise() {
        expectCaught("planted exclusive", "lost wakeup", WaitPolicy.EXCLUSIVE, Planted.EXCLUSIVE_PARTIAL_PROMISE_LOST);
    }

    private void expectCaught(final String what, final String symptom, final WaitPolicy policy,
                              final Planted planted) {
        final AssertionError e = assertThrows(AssertionError.class, () -> exploreAll(what, policy, planted),
            "the explorer must catch " + what);
        assertTrue(e.getMessage().contains(symptom), e.getMessage());
        System.out.println(what + ", as expected:\n" + e.getMessage());
    }
}
