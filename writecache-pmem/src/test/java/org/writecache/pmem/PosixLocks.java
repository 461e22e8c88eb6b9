package org.writecache.pmem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads /proc/locks: which POSIX record locks the kernel says this process holds. */
final class PosixLocks {
    private static final Path PROC_LOCKS = Path.of("/proc/locks");

    private PosixLocks() {
    }

    /** @return true if /proc/locks exists, so {@link #heldByThisProcess} can answer. */
    static boolean available() {
        return Files.isReadable(PROC_LOCKS);
    }

    /** @return true if the kernel lists a POSIX write lock of this process on {@code file}'s inode. */
    static boolean heldByThisProcess(final Path file) throws IOException {
        return heldByThisProcess(file, "WRITE");
    }

    /** @return true if the kernel lists a POSIX lock of this kind (READ or WRITE) of this process on the inode. */
    static boolean heldByThisProcess(final Path file, final String kind) throws IOException {
        final long inode = (Long) Files.getAttribute(file, "unix:ino");
        final String pid = Long.toString(ProcessHandle.current().pid());
        for (final String line : Files.readAllLines(PROC_LOCKS)) {
            // "1: POSIX  ADVISORY  WRITE 1234 00:1a:5678 0 EOF" (major:minor in hex, inode in decimal)
            final String[] fields = line.trim().split("\\s+");
            if (fields.length >= 6 && "POSIX".equals(fields[1]) && kind.equals(fields[3])
                && pid.equals(fields[4]) && fields[5].endsWith(":" + inode)) {
                return true;
            }
        }
        return false;
    }
}
