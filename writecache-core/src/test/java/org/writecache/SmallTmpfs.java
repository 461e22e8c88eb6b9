package org.writecache;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A tmpfs of a few MiB mounted under the build directory, to run a cache file system full for real. Needs root (or
 * CAP_SYS_ADMIN) and the {@code mount} command; where either is missing the test using it is skipped (aborted), and
 * the same refusals are covered by tests that need no mount (a file system without the space asked, a sparse file).
 */
final class SmallTmpfs implements AutoCloseable {
    private final Path dir;

    private SmallTmpfs(final Path dir) {
        this.dir = dir;
    }

    /** Mounts a tmpfs of {@code bytes} bytes, or aborts the calling test if it cannot. */
    static SmallTmpfs mount(final long bytes) throws IOException, InterruptedException {
        final Path dir = Path.of("target", "small-tmpfs-" + ProcessHandle.current().pid() + "-" + System.nanoTime())
            .toAbsolutePath();
        Files.createDirectories(dir);
        final boolean mounted = run("mount", "-t", "tmpfs", "-o", "size=" + bytes + ",mode=700", "tmpfs",
            dir.toString());
        if (!mounted) {
            Files.deleteIfExists(dir);
        }
        assumeTrue(mounted, "cannot mount a small tmpfs here (needs root and mount)");
        return new SmallTmpfs(dir);
    }

    /** @return the mount point. */
    Path dir() {
        return dir;
    }

    /** Unmounts it (dropping every file in it) and removes the mount point. */
    @Override
    public void close() throws IOException {
        try {
            run("umount", "--lazy", dir.toString()); // lazy: mappings the GC has not released yet keep it busy
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(dir);
    }

    private static boolean run(final String... command) throws IOException, InterruptedException {
        final Process p;
        try {
            p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        } catch (final IOException e) {
            return false;
        }
        p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    }
}
