package org.writecache.bench.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;

import org.writecache.IoErrors;

/**
 * What the {@code writecache} command exits with and prints for each kind of failure; {@code Main} applies it to every
 * subcommand, so no command handles errors itself. Every failure is one line naming what was being done and on which
 * file; stack traces only with {@code --debug} (or {@code WRITECACHE_DEBUG=1}).
 */
public final class Errors {
    /** Success. */
    public static final int OK = 0;
    /** {@code check} (or {@code dump}) found problems in the cache file. */
    public static final int PROBLEMS = 1;
    /** Bad usage or configuration: an unknown option, a bad value, settings that disagree. Nothing was changed. */
    public static final int USAGE = 2;
    /** An I/O or cache error: a file that cannot be read or written, a corrupt or locked cache, a failed device. */
    public static final int FAILURE = 3;

    private Errors() {
    }

    /** An operation that may fail with an {@link IOException}. */
    @FunctionalInterface
    public interface IoCall<T> {
        /** @return the result. */
        T call() throws IOException;
    }

    /**
     * Runs {@code call}; an {@link IOException} it throws is rethrown as "cannot {@code operation}: reason", so that
     * the one line printed names what was being done and on which file. The original is the cause.
     *
     * @param operation what is being done, naming the file: "format cache file /dev/shm/x".
     * @param file      the file {@code operation} names; a reason that starts with it does not repeat it.
     */
    public static <T> T during(final String operation, final Path file, final IoCall<T> call) throws IOException {
        try {
            return call.call();
        } catch (final IOException e) {
            final String reason = describe(e);
            final String repeated = file + ": ";
            throw new IOException("cannot " + operation + ": "
                + (file != null && reason.startsWith(repeated) ? reason.substring(repeated.length()) : reason), e);
        }
    }

    /** @return the exit status for a failure of a command. */
    public static int exitCode(final Throwable t) {
        if (t instanceof IllegalArgumentException) {
            return USAGE;
        }
        return FAILURE;
    }

    /** @return one line saying what went wrong; for an internal error, which exception it was. */
    public static String describe(final Throwable t) {
        if (t instanceof UncheckedIOException u) {
            return describe(u.getCause());
        }
        if (t instanceof FileSystemException f) {
            return f.getReason() == null && f.getFile() != null ? f.getFile() + ": " + IoErrors.reason(f)
                : f.getMessage();
        }
        if (t instanceof IOException e) {
            return IoErrors.reason(e);
        }
        if (t instanceof IllegalArgumentException && t.getMessage() != null) {
            return t.getMessage();
        }
        return "internal error: " + t + " (--debug prints the stack trace)";
    }
}
