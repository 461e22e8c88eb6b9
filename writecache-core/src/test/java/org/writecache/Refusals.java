package org.writecache;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a refusal of bad input must look like: one line that names what was wrong. */
final class Refusals {
    private Refusals() {
    }

    /** Asserts that {@code e}'s message is one line and mentions every part (a path, a size, a setting). */
    static void assertOneLineNaming(final Throwable e, final Object... parts) {
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        for (final Object part : parts) {
            assertTrue(e.getMessage().contains(part.toString()), e.getMessage());
        }
    }
}
