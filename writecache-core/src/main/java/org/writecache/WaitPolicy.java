package org.writecache;

import java.util.Arrays;
import java.util.Locale;

/**
 * How writers that find the freelist empty are woken when writeback frees blocks. Selected with the
 * {@code freelist.wait} setting.
 */
public enum WaitPolicy {
    /** Wake every waiter on each free; they race for the blocks. Correct; costs a thundering herd. */
    WAKE_ALL("wake-all");

    private final String label;

    WaitPolicy(final String label) {
        this.label = label;
    }

    /** @return the name used in configuration, such as {@code wake-all}. */
    public String label() {
        return label;
    }

    /**
     * @return the policy whose label (or enum name) is {@code text}, ignoring case.
     * @throws IllegalArgumentException naming the bad value and the valid ones.
     */
    public static WaitPolicy parse(final String text) {
        final String t = text.trim().toLowerCase(Locale.ROOT);
        for (final WaitPolicy p : values()) {
            if (p.label.equals(t) || p.name().toLowerCase(Locale.ROOT).equals(t)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown wait policy '" + text + "': expected one of "
            + Arrays.stream(values()).map(WaitPolicy::label).toList());
    }

    @Override
    public String toString() {
        return label;
    }
}
