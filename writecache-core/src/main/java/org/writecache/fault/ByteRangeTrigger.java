package org.writecache.fault;

import java.util.Objects;

/** Restricts another trigger to operations overlapping bytes {@code [from, to)}, like nbdkit's error filter ranges. */
final class ByteRangeTrigger implements FaultTrigger {
    private final FaultTrigger inner;
    private final long from;
    private final long to;

    ByteRangeTrigger(final FaultTrigger inner, final long from, final long to) {
        if (from < 0 || to <= from) {
            throw new IllegalArgumentException("fault range [" + from + ", " + to + ") must be non-empty and start at"
                + " or after 0");
        }
        this.inner = Objects.requireNonNull(inner, "inner");
        this.from = from;
        this.to = to;
    }

    @Override
    public boolean fires(final long offset, final long length) {
        return offset < to && offset + length > from && inner.fires(offset, length);
    }

    @Override
    public String toString() {
        return inner + " in bytes [" + from + ", " + to + ")";
    }
}
