package org.writecache.format;

/**
 * CRC-16/CCITT (polynomial 0x1021) of a 48-bit value: the check that shares the commit word with the sequence
 * count, so that one aligned 8-byte store commits and a flipped bit in the commit word is detected. Detects every
 * 1- and 2-bit error and every burst up to 16 bits.
 */
public final class Crc16 {
    private static final int[] TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int crc = i << 8;
            for (int k = 0; k < 8; k++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }
            TABLE[i] = crc & 0xFFFF;
        }
    }

    private Crc16() {
    }

    /** @return the CRC-16 of the low 48 bits of {@code value}, fed most significant byte first. */
    public static int of48(final long value) {
        int crc = 0xFFFF;
        for (int shift = 40; shift >= 0; shift -= 8) {
            crc = ((crc << 8) ^ TABLE[((crc >>> 8) ^ (int) (value >>> shift)) & 0xFF]) & 0xFFFF;
        }
        return crc;
    }
}
