package org.writecache.pmem.crash;

import org.writecache.pmem.HeapPersistentMemory;

/**
 * One media image a crash could leave.
 *
 * @param cut          the crash point: events {@code [0, cut)} of the log happened, later ones did not.
 * @param memory       a fresh region holding the image, the consumer's to read, modify (recovery) and keep.
 * @param replay       the replay string: give it to {@link CrashSimulatingMemory#rebuild} to get this image again.
 * @param pendingLines how many lines were dirty (not yet durable) at the cut point.
 */
public record CrashImage(long cut, HeapPersistentMemory memory, String replay, int pendingLines) {

    /**
     * @param eventCount a value of {@link CrashSimulatingMemory#eventCount()} taken when something was acknowledged.
     * @return true if the crash happened after that point, so whatever was durable then must be in the image.
     */
    public boolean crashedAfter(final long eventCount) {
        return cut >= eventCount;
    }
}
