package org.writecache.pmem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What kind of file system a cache file lives on, which decides what its durability can be: tmpfs (the emulated
 * persistent memory: survives a process kill, not a power loss), DAX (real persistent memory: loads and stores reach
 * the media directly), or anything else (a disk behind the page cache, where a mapped cache is slow and, without
 * msync, not durable at all).
 */
public enum FileSystemKind {
    /** tmpfs, such as /dev/shm. */
    TMPFS,
    /** A file system mounted with DAX (ext4 or xfs on persistent memory), or a file in DAX mode. */
    DAX,
    /** Any other file system. */
    OTHER;

    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

    /**
     * @param path a file, or a path that does not exist yet (its nearest existing ancestor is looked at).
     * @return the kind of file system the file is (or would be) on; {@link #OTHER} if it cannot be told.
     */
    public static FileSystemKind of(final Path path) {
        final Path existing = nearestExisting(path);
        if (existing == null) {
            return OTHER;
        }
        if (MappedPersistentMemory.isTmpfs(existing)) {
            return TMPFS;
        }
        if (!NativeFile.AVAILABLE) {
            return OTHER;
        }
        try {
            final NativeFile.Stat stat = NativeFile.stat(existing);
            return stat.dax() || mountedWithDax(stat.device()) ? DAX : OTHER;
        } catch (final IOException e) {
            return OTHER;
        }
    }

    private static Path nearestExisting(final Path path) {
        Path p = path.toAbsolutePath();
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        return p;
    }

    /** @return whether /proc/self/mountinfo lists the device mounted with the dax (or dax=always) option. */
    static boolean mountedWithDax(final String device) {
        final List<String> lines;
        try {
            lines = Files.readAllLines(MOUNTINFO);
        } catch (final IOException e) {
            return false;
        }
        for (final String line : lines) {
            // "36 35 98:0 / /mnt/pmem rw,noatime master:1 - ext4 /dev/pmem0 rw,dax=always"
            final String[] fields = line.split(" ");
            if (fields.length > 5 && fields[2].equals(device) && (hasDax(fields[5]) || hasDax(superOptions(fields)))) {
                return true;
            }
        }
        return false;
    }

    private static String superOptions(final String[] fields) {
        for (int i = 6; i + 3 < fields.length; i++) {
            if (fields[i].equals("-")) {
                return fields[i + 3];
            }
        }
        return "";
    }

    private static boolean hasDax(final String options) {
        for (final String option : options.split(",")) {
            if (option.equals("dax") || option.equals("dax=always")) {
                return true;
            }
        }
        return false;
    }
}
