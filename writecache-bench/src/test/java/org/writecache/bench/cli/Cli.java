package org.writecache.bench.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import org.writecache.bench.Main;

/** Runs the {@code writecache} command in this JVM as {@code main} would, capturing its exit status and output. */
public final class Cli {
    private Cli() {
    }

    /**
     * Exit status and captured output of one run.
     *
     * @param exit the exit status
     * @param out  what went to standard output
     * @param err  what went to standard error
     */
    public record Run(int exit, String out, String err) {
        /** @return the lines of the error stream. */
        public List<String> errLines() {
            return err.lines().toList();
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- out\n" + out + "--- err\n" + err;
        }
    }

    /** @return what {@code writecache args...} did. */
    public static Run run(final String... args) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int exit = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(exit, out.toString(), err.toString());
    }
}
