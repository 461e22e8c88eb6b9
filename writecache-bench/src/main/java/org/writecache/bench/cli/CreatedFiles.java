package org.writecache.bench.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The files a command may create, deleted again when it fails: a failed {@code format} leaves nothing behind, and
 * never deletes a file that existed before it started.
 */
public final class CreatedFiles implements AutoCloseable {
    private final List<Path> absent = new ArrayList<>();
    private boolean keep;

    private CreatedFiles() {
    }

    /** Notes which of {@code files} (nulls ignored) do not exist yet. */
    public static CreatedFiles watch(final Path... files) {
        final CreatedFiles c = new CreatedFiles();
        for (final Path f : files) {
            if (f != null && Files.notExists(f, LinkOption.NOFOLLOW_LINKS)) {
                c.absent.add(f);
            }
        }
        return c;
    }

    /** The command succeeded: keep what it created. */
    public void keep() {
        keep = true;
    }

    /** Unless {@link #keep()} was called, deletes each watched file that did not exist before and exists now. */
    @Override
    public void close() throws IOException {
        if (!keep) {
            for (final Path f : absent) {
                Files.deleteIfExists(f);
            }
        }
    }
}
