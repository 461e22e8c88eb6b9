package org.writecache.freelist;

import static org.junit.jupiter.api.Assertions.assertThrows;

import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.junit.jupiter.api.Test;
import org.writecache.WaitPolicy;

/**
 * Lincheck model checking of allocate, free and cancel on the freelist for every policy: no lost wakeup (a writer
 * that never returns is a hang the checker reports), no block handed out twice, no block lost. The same check must
 * find the swait bug, or it proves nothing.
 */
class FreeListModelCheckTest {
    private static ModelCheckingOptions options() {
        return new ModelCheckingOptions().iterations(10).invocationsPerIteration(300)
            .threads(3).actorsPerThread(1).actorsBefore(0).actorsAfter(0);
    }

    public static final class ExclusiveModel extends FreeListModel {
        public ExclusiveModel() {
            super(WaitPolicy.EXCLUSIVE);
        }
    }

    public static final class WakeAllModel extends FreeListModel {
        public WakeAllModel() {
            super(WaitPolicy.WAKE_ALL);
        }
    }

    public static final class DirectModel extends FreeListModel {
        public DirectModel() {
            super(WaitPolicy.DIRECT);
        }
    }

    public static final class SwaitModel extends FreeListModel {
        public SwaitModel() {
            super(WaitPolicy.SWAIT);
        }
    }

    @Test
    void exclusiveLosesNoWakeup() {
        options().check(ExclusiveModel.class);
    }

    @Test
    void wakeAllLosesNoWakeup() {
        options().check(WakeAllModel.class);
    }

    @Test
    void directLosesNoWakeup() {
        options().check(DirectModel.class);
    }

    @Test
    void theCheckFindsTheSwaitLostWakeup() {
        final AssertionError found = assertThrows(AssertionError.class, () -> options().check(SwaitModel.class),
            "the model check must find the swait lost wakeup");
        System.out.println("swait, as expected:\n" + found.getMessage().lines().limit(20)
            .reduce("", (a, b) -> a + b + "\n"));
    }
}
