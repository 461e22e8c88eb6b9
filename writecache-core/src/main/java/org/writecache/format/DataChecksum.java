package org.writecache.format;

import java.util.Arrays;
import java.util.Locale;

/**
 * Whether a cache keeps a checksum of every data block, chosen when it is formatted ({@code data.checksum}) and
 * recorded in its superblock: the choice fixes the format version and the entry size (see {@link CacheLayout}).
 */
public enum DataChecksum {
    /** No data checksums: format version 1, 16-byte entries, byte for byte the layout of earlier builds. */
    NONE("none", CacheLayout.VERSION_1, 0, CacheLayout.ENTRY_SIZE_V1),
    /**
     * A CRC-32C of every data block in its entry (format version 2, 24-byte entries), verified on every read of a
     * cached block and before the block is written back.
     */
    CRC32C("crc32c", CacheLayout.VERSION_2, CacheLayout.FLAG_DATA_CRC32C, CacheLayout.ENTRY_SIZE_V2);

    /** What a cache is formatted with unless configured otherwise. */
    public static final DataChecksum DEFAULT = CRC32C;

    private final String label;
    private final int formatVersion;
    private final int flags;
    private final int entrySize;

    DataChecksum(final String label, final int formatVersion, final int flags, final int entrySize) {
        this.label = label;
        this.formatVersion = formatVersion;
        this.flags = flags;
        this.entrySize = entrySize;
    }

    /** @return the name used in configuration and reports: {@code none} or {@code crc32c}. */
    public String label() {
        return label;
    }

    /** @return the format version a cache with this choice is written in. */
    public int formatVersion() {
        return formatVersion;
    }

    /** @return the superblock flags that record this choice. */
    public int flags() {
        return flags;
    }

    /** @return bytes of one entry in a cache with this choice. */
    public int entrySize() {
        return entrySize;
    }

    /** @return whether data blocks carry a checksum. */
    public boolean enabled() {
        return this != NONE;
    }

    /**
     * @return the choice named {@code value} (case-insensitive).
     * @throws IllegalArgumentException naming the value and the valid ones.
     */
    public static DataChecksum parse(final String value) {
        for (final DataChecksum c : values()) {
            if (c.label.equals(value.trim().toLowerCase(Locale.ROOT))) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown data checksum '" + value + "': expected one of "
            + Arrays.stream(values()).map(DataChecksum::label).toList());
    }
}
