package org.writecache.nbd;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a real NBD client (qemu-io, qemu-img, nbdcopy, fio) with a time limit; skips the test if it is missing. */
public final class ExternalTool {
    /** What a run printed and how it ended. */
    public record Result(int exit, String output) {
    }

    private ExternalTool() {
    }

    /** Skips the calling test with a clear message unless {@code name} is an executable on PATH. */
    public static void require(final String name, final String debianPackage) {
        boolean found = false;
        for (final String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            found |= !dir.isEmpty() && Files.isExecutable(Path.of(dir, name));
        }
        assumeTrue(found, name + " is not installed (Debian package " + debianPackage + "; bin/test installs it)");
    }

    /** Runs {@code command} in {@code dir}, merging stderr into the output; fails if it takes over 60 seconds. */
    public static Result run(final Path dir, final String... command) throws IOException, InterruptedException {
        final Path log = Files.createTempFile(dir, "tool", ".log");
        final Process p = new ProcessBuilder(List.of(command)).directory(dir.toFile()).redirectErrorStream(true)
            .redirectOutput(log.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError(String.join(" ", command) + " did not finish in 60 s:\n" + read(log));
        }
        return new Result(p.exitValue(), read(log));
    }

    /** Runs {@code command} and fails, showing its output, unless it exits with status 0. */
    public static String ok(final Path dir, final String... command) throws IOException, InterruptedException {
        final Result r = run(dir, command);
        if (r.exit() != 0) {
            throw new AssertionError(String.join(" ", command) + " exited with " + r.exit() + ":\n" + r.output());
        }
        return r.output();
    }

    private static String read(final Path log) throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }
}
