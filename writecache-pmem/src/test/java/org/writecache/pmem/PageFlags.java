package org.writecache.pmem;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Whether the kernel holds a page of this process as dirty (written, not yet written back to its file): the page's
 * frame from /proc/self/pagemap, its flags from /proc/kpageflags. Both need root; {@link #available()} says so.
 */
final class PageFlags {
    private static final Path PAGEMAP = Path.of("/proc/self/pagemap");
    private static final Path KPAGEFLAGS = Path.of("/proc/kpageflags");
    private static final long PAGE = 4096;
    private static final long PRESENT = 1L << 63;
    private static final long PFN_MASK = (1L << 55) - 1;
    private static final int KPF_DIRTY = 4;

    private PageFlags() {
    }

    /** @return true if both files can be read (root). */
    static boolean available() {
        return Files.isReadable(PAGEMAP) && Files.isReadable(KPAGEFLAGS);
    }

    /**
     * @param address a virtual address in a page this process has touched.
     * @return true if the kernel marks that page dirty.
     * @throws IOException if the page is not present or the frame number is hidden (no privilege).
     */
    static boolean isDirty(final long address) throws IOException {
        final long entry = readLong(PAGEMAP, address / PAGE * Long.BYTES);
        final long frame = entry & PFN_MASK;
        if ((entry & PRESENT) == 0 || frame == 0) {
            throw new IOException("page of address 0x" + Long.toHexString(address) + " is not present or hidden: "
                + Long.toHexString(entry));
        }
        return (readLong(KPAGEFLAGS, frame * Long.BYTES) >>> KPF_DIRTY & 1) == 1;
    }

    private static long readLong(final Path file, final long position) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            final ByteBuffer buffer = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.nativeOrder());
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, position + buffer.position()) < 0) {
                    throw new IOException("short read of " + file + " at " + position);
                }
            }
            return buffer.getLong(0);
        }
    }
}
