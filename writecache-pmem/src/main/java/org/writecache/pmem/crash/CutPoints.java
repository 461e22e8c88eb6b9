package org.writecache.pmem.crash;

/** Where in the event log crashes are simulated. A crash "at cut {@code c}" means events {@code [0, c)} happened. */
public enum CutPoints {
    /**
     * Just before every fence (where the most stores are pending: a crash there dominates one just after it) and
     * after the last event.
     */
    FENCES,
    /** Before every event and after the last one. */
    EVERY_EVENT
}
