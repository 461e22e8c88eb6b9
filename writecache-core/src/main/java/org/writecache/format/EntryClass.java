package org.writecache.format;

/**
 * What one entry is, judged against the commit count and the backing device: the one classification that recovery,
 * the offline inspector ({@code writecache check}, {@code dump}, {@code status}) and every other reader of entries
 * share, made by {@link EntryClassifier}. Which of two committed entries of one device block survives is
 * {@link EntryClassifier#resolve}'s decision.
 */
public enum EntryClass {
    /** Describes no data (either of its first two words is all ones). */
    FREE(false),
    /** Written at the current sequence count and never committed: recovery frees it. */
    UNCOMMITTED(false),
    /** Committed: its seq is below the commit count; it maps a device block that exists. */
    COMMITTED(false),
    /** Fails its checksum: the cache metadata is corrupt. */
    CORRUPT(true),
    /** Passes its checksum but has a seq above the commit count, which no write can leave: corrupt. */
    SEQ_AHEAD(true),
    /** Committed, but maps a device block beyond the backing device: corrupt, or the wrong device. */
    OUT_OF_RANGE(true);

    private final boolean refusesOpen;

    EntryClass(final boolean refusesOpen) {
        this.refusesOpen = refusesOpen;
    }

    /**
     * @return whether an entry of this class makes the cache unusable: recovery refuses to open it (dropping the entry
     *     would silently serve older data from the backing device in place of a committed write).
     */
    public boolean refusesOpen() {
        return refusesOpen;
    }
}
