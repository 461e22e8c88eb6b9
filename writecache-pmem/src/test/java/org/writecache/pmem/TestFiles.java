package org.writecache.pmem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where tests put their cache files. */
final class TestFiles {
    /** tmpfs: the emulated persistent memory. */
    static final Path TMPFS = Path.of("/dev/shm");
    /** A disk file system (ext4 here), where msync really writes to a device. */
    static final Path DISK = Path.of(System.getProperty("java.io.tmpdir"));

    private TestFiles() {
    }

    /** @return the path of a file that does not exist yet, in {@code dir}. */
    static Path newFile(final Path dir, final String prefix) throws IOException {
        final Path file = Files.createTempFile(dir, "writecache-" + prefix + "-", ".pmem");
        Files.delete(file);
        return file;
    }
}
