package org.writecache.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class FaultTriggerTest {

    private static List<Integer> firings(final FaultTrigger t, final int calls) {
        final List<Integer> fired = new ArrayList<>();
        for (int i = 1; i <= calls; i++) {
            if (t.fires(0, 512)) {
                fired.add(i);
            }
        }
        return fired;
    }

    @Test
    void alwaysFiresEveryTime() {
        assertEquals(List.of(1, 2, 3, 4, 5), firings(FaultTrigger.always(), 5));
    }

    @Test
    void onceFiresOnTheFirstCallOnly() {
        assertEquals(List.of(1), firings(FaultTrigger.once(), 10));
    }

    @Test
    void everyNthFiresOnMultiplesOfN() {
        assertEquals(List.of(3, 6, 9), firings(FaultTrigger.everyNth(3), 10));
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> FaultTrigger.everyNth(0));
        assertTrue(e.getMessage().contains("0"), e.getMessage());
    }

    @Test
    void seededRateRepeatsForOneSeedAndMatchesTheRate() {
        final long seed = 42;
        final List<Integer> a = firings(FaultTrigger.atRate(0.25, seed), 4000);
        assertEquals(a, firings(FaultTrigger.atRate(0.25, seed), 4000), "seed " + seed);
        assertTrue(a.size() > 800 && a.size() < 1200, "seed " + seed + ": " + a.size() + " of 4000 fired at 0.25");
        assertEquals(List.of(), firings(FaultTrigger.atRate(0, seed), 100));
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> FaultTrigger.atRate(1.5, seed));
        assertTrue(e.getMessage().contains("1.5"), e.getMessage());
    }

    @Test
    void rangeRestrictsToOverlappingOperationsAndCountsOnlyThem() {
        final FaultTrigger t = FaultTrigger.once().inRange(4096, 8192);
        assertFalse(t.fires(0, 4096), "ends where the range starts");
        assertFalse(t.fires(8192, 4096), "starts where the range ends");
        assertTrue(t.fires(0, 8192), "overlaps the range: the first call the inner trigger sees");
        assertFalse(t.fires(4096, 4096), "once already fired");
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> FaultTrigger.always().inRange(10, 10));
        assertTrue(e.getMessage().contains("[10, 10)"), e.getMessage());
    }
}
