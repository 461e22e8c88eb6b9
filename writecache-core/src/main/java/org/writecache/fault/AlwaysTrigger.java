package org.writecache.fault;

/** Fires on every operation: a device that has gone bad for good. */
final class AlwaysTrigger implements FaultTrigger {
    static final AlwaysTrigger INSTANCE = new AlwaysTrigger();

    private AlwaysTrigger() {
    }

    @Override
    public boolean fires(final long offset, final long length) {
        return true;
    }

    @Override
    public String toString() {
        return "always";
    }
}
