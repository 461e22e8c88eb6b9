package org.writecache.pmem.crash;

/** Checks one crash image, typically by running recovery on it and asserting what must have survived. */
@FunctionalInterface
public interface CrashImageConsumer {
    /**
     * @param image the image and where it came from.
     * @throws AssertionError or any {@link RuntimeException} if the image is not acceptable; the walk then stops
     *     with a {@link CrashImageFailure} naming the image's replay string.
     */
    void accept(CrashImage image);
}
