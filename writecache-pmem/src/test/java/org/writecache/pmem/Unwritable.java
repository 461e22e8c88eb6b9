package org.writecache.pmem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Makes a file unwritable even for root, whom permission bits do not stop: the immutable attribute
 * ({@code chattr +i}), which tmpfs and ext4 support.
 */
public final class Unwritable {
    private Unwritable() {
    }

    /** @return true if {@code file} is now unwritable for this process. */
    public static boolean make(final Path file) throws IOException, InterruptedException {
        return chattr("+i", file) && !Files.isWritable(file);
    }

    /** Lifts what {@link #make} did, so the file can be deleted. */
    public static void undo(final Path file) throws IOException, InterruptedException {
        if (Files.exists(file)) {
            chattr("-i", file);
        }
    }

    private static boolean chattr(final String flag, final Path file) throws IOException, InterruptedException {
        final Process p;
        try {
            p = new ProcessBuilder("chattr", flag, file.toString()).redirectErrorStream(true).start();
        } catch (final IOException e) {
            return false; // no chattr here
        }
        p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    }
}
