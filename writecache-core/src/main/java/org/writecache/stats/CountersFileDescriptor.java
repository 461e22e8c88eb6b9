package org.writecache.stats;

/**
 * Layout of a counters file ({@code <cache file>.counters}): the one place that knows where its fields live. Every
 * multi-byte field is little-endian.
 *
 * <pre>
 *  0                 header, 64 bytes
 *                    +0   i32 magic          0x32435357, the bytes "WSC2" (written last, with release semantics)
 *                    +4   i32 version        2
 *                    +8   i64 pid            process that writes the counters
 *                    +16  i64 start millis   that process's start time (epoch ms): tells it from a later process
 *                                            that reuses the pid
 *                    +24  i32 slots          number of counter slots
 *                    +28  i32 label length   bytes of each label record
 *  64                labels: one record of LABEL_LENGTH bytes per slot: u8 length, then that many UTF-8 bytes
 *  64 + s*LABEL      values: one 64-byte record per slot (a cache line each, so writers do not share lines),
 *                    the value in its first 8 bytes
 * </pre>
 * Slot {@code i} is the {@link Counter} with id i, then the {@link Gauge}s.
 */
public final class CountersFileDescriptor {
    /** "WSC2" as a little-endian i32. */
    public static final int MAGIC = 0x32435357;
    /** Layout version. */
    public static final int VERSION = 2;
    /** Bytes of the header. */
    public static final int HEADER_LENGTH = 64;
    /** Bytes of one label record. */
    public static final int LABEL_LENGTH = 64;
    /** Bytes of one value record. */
    public static final int VALUE_LENGTH = 64;
    static final int MAGIC_OFFSET = 0;
    static final int VERSION_OFFSET = 4;
    static final int PID_OFFSET = 8;
    static final int START_MILLIS_OFFSET = 16;
    static final int SLOTS_OFFSET = 24;
    static final int LABEL_LENGTH_OFFSET = 28;

    private CountersFileDescriptor() {
    }

    /** @return where the label of slot {@code slot} starts. */
    public static long labelOffset(final int slot) {
        return HEADER_LENGTH + (long) LABEL_LENGTH * slot;
    }

    /** @return where the value of slot {@code slot} of a file with {@code slots} slots starts. */
    public static long valueOffset(final int slots, final int slot) {
        return HEADER_LENGTH + (long) LABEL_LENGTH * slots + (long) VALUE_LENGTH * slot;
    }

    /** @return bytes of a file with {@code slots} slots. */
    public static long fileLength(final int slots) {
        return valueOffset(slots, slots);
    }
}
