package org.writecache.pmem.crash;

/**
 * What one {@link CrashSimulatingMemory#forEachCrashImage} walk did.
 *
 * @param cutPoints        cut points visited.
 * @param images           images given to the consumer.
 * @param sampledCutPoints cut points whose images were sampled rather than enumerated in full.
 * @param maxPendingLines  the most lines pending at any cut point.
 * @param elapsedNanos     wall time of the walk, the consumer's work included.
 */
public record CrashWalkStats(long cutPoints, long images, long sampledCutPoints, int maxPendingLines,
    long elapsedNanos) {
}
