package org.writecache.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code writecache serve} in a JVM of its own, started with this JVM's flags and class path; its output goes to a
 * log file (never a pipe nobody reads). Ready once it has printed its {@code serving ...} line, waited for with a
 * deadline.
 */
final class ServeProcess implements AutoCloseable {
    private static final long READY_SECONDS = 60;

    final Process process;
    final Path log;
    final String servingLine;

    private ServeProcess(final Process process, final Path log, final String servingLine) {
        this.process = process;
        this.log = log;
        this.servingLine = servingLine;
    }

    /**
     * @param jvmOptions extra JVM options after this JVM's own (a later {@code -Xmx} wins).
     * @param serveArgs  the arguments of {@code serve}.
     */
    static ServeProcess start(final Path log, final List<String> jvmOptions, final List<String> serveArgs)
        throws IOException {
        final List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
            .filter(a -> !a.startsWith("-javaagent") && !a.startsWith("-agentlib")).toList());
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve"));
        cmd.addAll(serveArgs);
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(READY_SECONDS);
        while (true) {
            final String serving = Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                .filter(l -> l.startsWith("serving")).findFirst().orElse(null);
            if (serving != null) {
                return new ServeProcess(p, log, serving);
            }
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new IOException("serve did not start:\n" + Files.readString(log, StandardCharsets.UTF_8));
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    /** @return everything serve printed so far. */
    String output() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** Kills serve (SIGKILL) if it still runs and waits for it to be gone. */
    @Override
    public void close() {
        process.destroyForcibly().onExit().join();
    }
}
