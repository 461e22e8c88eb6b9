package org.writecache.freelist;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.writecache.WaitPolicy;
import org.writecache.freelist.ListWorld.Op;
import org.writecache.freelist.ListWorld.Relook;

/**
 * The schedule explorer over the real {@link FreeList}: every interleaving of writers and writeback within the bounds,
 * in scenarios where needs shrink and grow between lookup and wake-up, several blocks are freed at once, writers time
 * out, are interrupted, wake spuriously, reuse their waiter, and the list closes. Whenever every writer is parked it
 * checks that no parked waiter's need is covered by unpromised free blocks, that no blocks sit idle in the hand of a
 * parked waiter behind the head, and that every block is accounted for once; after the run, writeback frees everything
 * and every writer must finish. The correct policies pass; swait and the two planted bugs must be caught.
 */
class FreeListScheduleTest {
    private static final long TIMEOUT = 1_000_000;

    /** The scenarios, by name: each builds a world on a freelist made by the function it is given. */
    private static Map<String, Function<ListWorld.Maker, Explorer.Scenario>> scenarios() {
        final Map<String, Function<ListWorld.Maker, Explorer.Scenario>> m = new LinkedHashMap<>();
        m.put("needs grow after a commit", make -> c -> world(c, 2, 0, make, w -> {
            w.writer("A", false, new Op(1, Relook.grows(2), 0));
            w.writer("B", false, new Op(1, Relook.grows(2), 0));
            w.writebackSteps(2, 1, 0, 0);
        }));
        m.put("need shrinks after a wake-up", make -> c -> world(c, 4, 0, make, w -> {
            w.writer("W2", false, new Op(2, Relook.shrinks(1), 0));
            w.writer("W1", false, new Op(4, Relook.SAME, 0));
            w.writer("Q", false, new Op(1, Relook.SAME, 0));
            w.writebackSteps(1, 2, 0, 0);
        }));
        m.put("need met elsewhere", make -> c -> world(c, 2, 0, make, w -> {
            w.writer("A", false, new Op(1, Relook.MET_ELSEWHERE, 0));
            w.writer("B", false, new Op(1, Relook.MET_ELSEWHERE, 0));
            w.writer("C", false, new Op(1, Relook.SAME, 0));
            w.writebackSteps(2, 0, 0, 0);
        }));
        m.put("timeouts, interrupts, spurious wakeups, reuse, close", make -> c -> world(c, 2, 0, make, w -> {
            w.writer("A", false, new Op(2, Relook.SAME, TIMEOUT));
            w.writer("B", true, new Op(1, Relook.SAME, 0), new Op(1, Relook.SAME, 2 * TIMEOUT));
            w.writer("C", false, new Op(1, Relook.SAME, 0));
            w.writebackSteps(2, 1, 0, 1);
        }));
        m.put("needs chosen by the explorer", make -> c -> world(c, 3, 1, make, w -> {
            w.writer("A", false, new Op(1, Relook.chosen(2), 0));
            w.writer("B", true, new Op(2, Relook.chosen(3), 0), new Op(1, Relook.chosen(2), 0));
            w.writer("C", false, new Op(1, Relook.chosen(2), 0));
            w.writebackSteps(2, 1, 1, 0);
        }));
        return m;
    }

    private static Explorer.Bounds bounds() {
        return new Explorer.Bounds(2, 40, 1, 1);
    }

    private static Explorer.Finish world(final Conductor c, final int capacity, final int free,
                                         final ListWorld.Maker make,
                                         final java.util.function.Consumer<ListWorld> setUp) {
        final ListWorld w = new ListWorld(c, capacity, free, make);
        setUp.accept(w);
        c.onQuiescent(w::check);
        return w::finish;
    }

    private static long exploreAll(final String what, final ListWorld.Maker make) throws Exception {
        long runs = 0;
        for (final var e : scenarios().entrySet()) {
            runs += Explorer.explore(what + ", " + e.getKey(), bounds(), e.getValue().apply(make));
        }
        return runs;
    }

    @ParameterizedTest
    @EnumSource(value = WaitPolicy.class, names = "SWAIT", mode = EnumSource.Mode.EXCLUDE)
    void correctPoliciesPassEverySchedule(final WaitPolicy policy) throws Exception {
        final long runs = exploreAll(policy.label(), (n, c) -> new FreeList(n, policy, c, c));
        System.out.println(policy + ": " + runs + " schedules explored, all passed");
        assertTrue(runs > 100, "explored " + runs);
    }

    @Test
    void catchesSwaitsLostWakeup() {
        expectCaught("swait", "lost wakeup", (n, c) -> new FreeList(n, WaitPolicy.SWAIT, c, c));
    }

    @Test
    void catchesTheDirectHandOffThatRequeuedHoldingItsHand() {
        expectCaught("planted direct", "idle in the hands", (n, c) ->
            FreeListProbe.planted(FreeListProbe.Planted.DIRECT_REQUEUE_KEEPS_HAND, n, c, c));
    }

    @Test
    void catchesTheExclusivePassOnThatLostAPartlyUsedPromise() {
        expectCaught("planted exclusive", "lost wakeup", (n, c) ->
            FreeListProbe.planted(FreeListProbe.Planted.EXCLUSIVE_PARTIAL_PROMISE_LOST, n, c, c));
    }

    private static void expectCaught(final String what, final String symptom, final ListWorld.Maker make) {
        final AssertionError e = assertThrows(AssertionError.class, () -> exploreAll(what, make),
            "the explorer must catch " + what);
        assertTrue(e.getMessage().contains(symptom), e.getMessage());
        System.out.println(what + ", as expected:\n" + e.getMessage());
    }
}
