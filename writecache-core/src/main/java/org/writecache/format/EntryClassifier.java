package org.writecache.format;

/**
 * Classifies the entries of one cache ({@link EntryClass}) and decides between two committed entries of one device
 * block: the rules recovery and the offline inspector both follow, so that they never disagree about a cache.
 *
 * <p>The order of the tests is the order in which the fields can be trusted: an entry with either word all ones is
 * free; else its checksum must verify; then its seq decides (above the commit count: corrupt; at it: uncommitted,
 * whatever it maps); only a committed entry's device block is checked against the backing device.
 */
public final class EntryClassifier {
    /** What to do with a second committed entry of a device block. */
    public enum Duplicate {
        /** The entry already found is newer: the new one is an older duplicate, freed. */
        KEEP_EXISTING,
        /** The new entry is newer: it replaces the one already found, which is freed. */
        REPLACE,
        /** Both have the same seq: no write can leave that; the cache goes to the error state. */
        CONFLICT
    }

    private final CacheLayout layout;
    private final long seqCount;
    private final long deviceBlocks;

    /**
     * @param layout       the cache whose entries are classified.
     * @param seqCount     the commit count.
     * @param deviceBlocks blocks of the backing device.
     */
    public EntryClassifier(final CacheLayout layout, final long seqCount, final long deviceBlocks) {
        this.layout = layout;
        this.seqCount = seqCount;
        this.deviceBlocks = deviceBlocks;
    }

    /** @return the commit count entries are judged against. */
    public long seqCount() {
        return seqCount;
    }

    /** @return the class of an entry already decoded into {@code e}. */
    public EntryClass classify(final CacheLayout.Entry e) {
        if (e.state == CacheLayout.Entry.State.FREE) {
            return EntryClass.FREE;
        }
        if (e.state == CacheLayout.Entry.State.CORRUPT) {
            return EntryClass.CORRUPT;
        }
        if (e.seq >= seqCount) {
            return e.seq == seqCount ? EntryClass.UNCOMMITTED : EntryClass.SEQ_AHEAD;
        }
        return e.deviceBlock < deviceBlocks ? EntryClass.COMMITTED : EntryClass.OUT_OF_RANGE;
    }

    /**
     * @return why entry {@code block} of class {@code c} (one that {@link EntryClass#refusesOpen()}), decoded in
     *     {@code e}, makes the cache unusable, naming the entry and its offset.
     */
    public String problem(final int block, final EntryClass c, final CacheLayout.Entry e) {
        final String entry = "entry " + block + " (offset " + layout.entryOffset(block) + ")";
        return switch (c) {
            case CORRUPT -> entry + " fails its checksum: the cache metadata is corrupt";
            case SEQ_AHEAD -> entry + " has seq " + e.seq + " above the commit count " + seqCount;
            case OUT_OF_RANGE -> entry + " maps device block " + e.deviceBlock + ", beyond the backing device of "
                + deviceBlocks + " blocks";
            default -> throw new IllegalArgumentException(c + " is not a problem");
        };
    }

    /** @return what to do with a committed entry at {@code seq} of a device block already held at {@code existingSeq}. */
    public static Duplicate resolve(final long existingSeq, final long seq) {
        if (seq == existingSeq) {
            return Duplicate.CONFLICT;
        }
        return seq > existingSeq ? Duplicate.REPLACE : Duplicate.KEEP_EXISTING;
    }

    /** @return the message of a {@link Duplicate#CONFLICT} between entries {@code first} and {@code second}. */
    public static String conflict(final int first, final int second, final long deviceBlock, final long seq) {
        return "entries " + first + " and " + second + " both hold device block " + deviceBlock + " at seq " + seq;
    }
}
