package org.writecache.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The files a benchmark command may create, overwrite and delete: only those it creates itself. Every file a command
 * will write is claimed before anything runs; a claimed file that already exists is refused with one line naming it,
 * unless the command was told {@code --overwrite}, and even then it is only overwritten, never deleted. Files the
 * command created are deleted at {@link #close()} (unless kept) or earlier with {@link #release}.
 */
public final class ScratchFiles implements AutoCloseable {
    private final String command;
    private final boolean overwrite;
    private final Set<Path> own = new LinkedHashSet<>();
    private final Set<Path> borrowed = new LinkedHashSet<>();
    private final List<Path> ownDirectories = new ArrayList<>();
    private boolean keep;

    /**
     * @param command   the command, for messages ("writecache bench").
     * @param overwrite whether existing files may be overwritten (never deleted).
     */
    public ScratchFiles(final String command, final boolean overwrite) {
        this.command = command;
        this.overwrite = overwrite;
    }

    /**
     * Claims {@code file} for writing.
     *
     * @return the file, absolute.
     * @throws IllegalArgumentException naming the file if it exists and overwriting was not allowed.
     */
    public Path claim(final Path file) {
        final Path p = file.toAbsolutePath().normalize();
        if (own.contains(p) || borrowed.contains(p)) {
            return p;
        }
        if (Files.exists(p) || Files.isSymbolicLink(p)) {
            if (!overwrite) {
                throw new IllegalArgumentException(p + " exists: " + command + " creates, overwrites and deletes only"
                    + " files it creates itself; pass --overwrite to let it overwrite " + p + " (it is never deleted)");
            }
            borrowed.add(p);
        } else {
            own.add(p);
        }
        return p;
    }

    /**
     * Claims a directory the command writes its result files into: it may exist, but none of {@code names} in it
     * may, unless overwriting is allowed. Creates it if needed (and removes it at {@link #close()} if it was created
     * here and is empty then).
     *
     * @return the directory, absolute.
     */
    public Path claimDirectory(final Path dir, final List<String> names) throws IOException {
        final Path d = dir.toAbsolutePath().normalize();
        for (final String name : names) {
            claim(d.resolve(name));
        }
        if (!Files.isDirectory(d)) {
            Path missing = d;
            while (missing.getParent() != null && !Files.exists(missing.getParent())) {
                missing = missing.getParent();
            }
            Files.createDirectories(d);
            for (Path p = d; p != null && p.startsWith(missing); p = p.getParent()) {
                ownDirectories.add(p);
            }
        }
        return d;
    }

    /**
     * Prepares a folder for result files, which are kept: creates it if needed and refuses, naming it, a file of
     * {@code names} that exists there unless {@code overwrite}; with {@code names} empty, refuses a folder that is not
     * empty.
     *
     * @return the folder, absolute.
     */
    public static Path resultFolder(final String command, final Path dir, final List<String> names,
                                    final boolean overwrite) throws IOException {
        final Path d = dir.toAbsolutePath().normalize();
        if (!overwrite && Files.isDirectory(d)) {
            if (names.isEmpty()) {
                try (Stream<Path> s = Files.list(d)) {
                    if (s.findAny().isPresent()) {
                        throw new IllegalArgumentException("folder " + d + " is not empty: " + command + " does not"
                            + " write its results over other files; pass --overwrite, or name another folder");
                    }
                }
            }
            for (final String name : names) {
                new ScratchFiles(command, false).claim(d.resolve(name));
            }
        }
        Files.createDirectories(d);
        return d;
    }

    /** @return whether {@code file} was claimed and did not exist: the command created it. */
    public boolean owns(final Path file) {
        return own.contains(file.toAbsolutePath().normalize());
    }

    /**
     * Makes a claimed file at least {@code length} bytes long (extending it sparsely); never shortens it.
     *
     * @throws IllegalStateException if the file was not claimed.
     */
    public void extend(final Path file, final long length) throws IOException {
        final Path p = requireClaimed(file);
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            if (ch.size() < length) {
                ch.write(ByteBuffer.allocate(1), length - 1);
            }
        }
    }

    /** Deletes {@code file} now if the command created it; a file that existed before is left. */
    public void release(final Path file) throws IOException {
        final Path p = requireClaimed(file);
        if (own.contains(p)) {
            Files.deleteIfExists(p);
        }
    }

    /** Keeps the files the command created instead of deleting them at {@link #close()}. */
    public void keep() {
        keep = true;
    }

    private Path requireClaimed(final Path file) {
        final Path p = file.toAbsolutePath().normalize();
        if (!own.contains(p) && !borrowed.contains(p)) {
            throw new IllegalStateException(command + " writes " + p + " without having claimed it");
        }
        return p;
    }

    /** Deletes every file the command created (unless kept), and the directories it created if they are empty. */
    @Override
    public void close() throws IOException {
        if (keep) {
            return;
        }
        for (final Path p : own) {
            Files.deleteIfExists(p);
        }
        for (final Path d : ownDirectories) {
            try (Stream<Path> s = Files.list(d)) {
                if (s.findAny().isEmpty()) {
                    Files.deleteIfExists(d);
                }
            } catch (final DirectoryNotEmptyException | java.nio.file.NoSuchFileException e) {
                // someone put a file there, or it is gone already: leave it
            }
        }
    }
}
