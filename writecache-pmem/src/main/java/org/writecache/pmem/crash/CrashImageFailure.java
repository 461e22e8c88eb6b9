package org.writecache.pmem.crash;

import java.io.Serial;

/** A crash image failed its check; the message and {@link #replay()} say how to rebuild it. */
public final class CrashImageFailure extends AssertionError {
    @Serial
    private static final long serialVersionUID = 1L;

    /** The replay string of the failing image. */
    private final String replay;

    /**
     * @param replay the failing image's replay string.
     * @param cause  what the check threw.
     */
    public CrashImageFailure(final String replay, final Throwable cause) {
        super("crash image failed its check: " + cause + "\n  rebuild it with CrashSimulatingMemory.rebuild(\""
            + replay + "\")", cause);
        this.replay = replay;
    }

    /** @return the replay string of the failing image. */
    public String replay() {
        return replay;
    }
}
