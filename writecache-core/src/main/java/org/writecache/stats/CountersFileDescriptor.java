package org.writecache.stats;

import org.agrona.BitUtil;
import org.agrona.concurrent.status.CountersReader;

/**
 * Layout of a counters file ({@code <cache file>.counters}): a header, then an Agrona {@code CountersManager}'s
 * metadata and values buffers. Every other class finds the fields through this one.
 *
 * <pre>
 *  0       header, 128 bytes
 *          +0   i32 magic            0x31435357, the bytes "WSC1"
 *          +4   i32 version          1
 *          +8   i64 pid              process that writes the counters
 *          +16  i32 metadata length  bytes of the metadata buffer
 *          +20  i32 values length    bytes of the values buffer
 *  128     metadata buffer: CountersReader records (state, type, label), METADATA_LENGTH bytes per counter
 *  128+m   values buffer: one COUNTER_LENGTH record per counter, the value in its first 8 bytes
 * </pre>
 * Counter id {@code i} is {@link Counter} with id i, then the {@link Gauge}s.
 */
public final class CountersFileDescriptor {
    /** "WSC1" as a little-endian i32. */
    public static final int MAGIC = 0x31435357;
    /** Layout version. */
    public static final int VERSION = 1;
    /** Bytes of the header. */
    public static final int HEADER_LENGTH = 128;
    static final int MAGIC_OFFSET = 0;
    static final int VERSION_OFFSET = 4;
    static final int PID_OFFSET = 8;
    static final int METADATA_LENGTH_OFFSET = 16;
    static final int VALUES_LENGTH_OFFSET = 20;

    private CountersFileDescriptor() {
    }

    /** @return bytes of the values buffer: a record per counter slot, rounded to a power of two. */
    public static int valuesLength() {
        return BitUtil.findNextPositivePowerOfTwo(Counters.slots() * CountersReader.COUNTER_LENGTH);
    }

    /** @return bytes of the metadata buffer. */
    public static int metadataLength() {
        return valuesLength() / CountersReader.COUNTER_LENGTH * CountersReader.METADATA_LENGTH;
    }

    /** @return bytes of the whole file. */
    public static int fileLength() {
        return HEADER_LENGTH + metadataLength() + valuesLength();
    }

    /** @return where the metadata buffer starts. */
    public static int metadataOffset() {
        return HEADER_LENGTH;
    }

    /** @return where the values buffer starts. */
    public static int valuesOffset() {
        return HEADER_LENGTH + metadataLength();
    }
}
