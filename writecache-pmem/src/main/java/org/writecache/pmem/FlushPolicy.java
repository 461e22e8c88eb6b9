package org.writecache.pmem;

/**
 * What {@link PersistentMemory#flush} does on a mapped file. The cache issues every flush and fence the x86
 * persistence model needs whatever the policy; the policy only decides what a flush costs on this mapping.
 */
public enum FlushPolicy {
    /** Pick by the mapping: {@link #SYNC} on a MAP_SYNC (DAX) mapping, {@link #FENCE_ONLY} on tmpfs, else {@link #MSYNC}. */
    AUTO,
    /**
     * A MAP_SYNC mapping of persistent memory: flushes write back cache lines with CPU instructions, no system call.
     * Only valid when the file system supports MAP_SYNC (DAX); opening fails otherwise.
     */
    SYNC,
    /** Every flush is an {@code msync} of the range ({@code MemorySegment.force()}): durable on any file system. */
    MSYNC,
    /**
     * Flushes issue no system call; fences are full memory fences. Only sound on tmpfs, where the page cache is the
     * medium: data survives the death of the process (not the loss of power, which tmpfs never survives).
     */
    FENCE_ONLY;

    /**
     * @param name a policy name as written in configuration, in any case, surrounding blanks ignored.
     * @return the policy of that name.
     * @throws IllegalArgumentException naming the bad value and the allowed ones.
     */
    public static FlushPolicy parse(final String name) {
        return EnumNames.parse(FlushPolicy.class, "flush policy", name);
    }
}
