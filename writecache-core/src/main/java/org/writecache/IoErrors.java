package org.writecache;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Short reasons for I/O failures, for messages that name the operation and the file themselves: the JDK's
 * {@link FileSystemException}s carry the file but often no reason ({@code NoSuchFileException: /x} says only
 * {@code /x}), and other {@link IOException}s carry a reason but no file ({@code Invalid argument}).
 */
public final class IoErrors {
    private IoErrors() {
    }

    /** @return why {@code e} happened, without the file it names: "no such file", "Is a directory", ... */
    public static String reason(final IOException e) {
        if (e instanceof FileSystemException f) {
            if (f.getReason() != null) {
                return f.getReason() + (f.getOtherFile() == null ? "" : " (" + f.getOtherFile() + ")");
            }
            if (e instanceof NoSuchFileException) {
                return "no such file or directory";
            }
            if (e instanceof AccessDeniedException) {
                return "permission denied";
            }
            if (e instanceof FileAlreadyExistsException) {
                return "already exists";
            }
            if (e instanceof NotDirectoryException) {
                return "not a directory";
            }
            if (e instanceof DirectoryNotEmptyException) {
                return "directory not empty";
            }
            return e.getClass().getSimpleName();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
