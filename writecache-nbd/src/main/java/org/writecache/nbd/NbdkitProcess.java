package org.writecache.nbd;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * An nbdkit server run as a child process, for tests, benchmarks and soak runs: a plugin (and filters) served on a Unix
 * socket in a given directory, or on a free TCP port of 127.0.0.1. Started in the foreground with
 * {@code --exit-with-parent} (it dies with this JVM); ready when its pid file appears, waited for with a deadline;
 * killed by {@link #close()}. It can be killed and restarted on the same address, as a server that crashes and comes
 * back. Its socket, pid file and log are removed on close. nbdkit must be on the PATH (Debian package nbdkit).
 */
public final class NbdkitProcess implements AutoCloseable {
    private static final long READY_SECONDS = 20;

    private final Path dir;
    private final boolean unix;
    private final List<String> plugin;
    private final Path socket;
    private final int port;
    private final Path pidFile;
    private final Path log;
    private Process process;

    private NbdkitProcess(final Path dir, final boolean unix, final List<String> plugin) throws IOException {
        this.dir = dir;
        this.unix = unix;
        this.plugin = List.copyOf(plugin);
        this.socket = dir.resolve("nbdkit-" + System.nanoTime() + ".sock");
        this.port = unix ? -1 : freePort();
        this.pidFile = dir.resolve("nbdkit-" + System.nanoTime() + ".pid");
        this.log = dir.resolve("nbdkit-" + System.nanoTime() + ".log");
    }

    /** @return whether an {@code nbdkit} executable is on the PATH. */
    public static boolean isInstalled() {
        for (final String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, "nbdkit"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Starts nbdkit on a Unix socket in {@code dir}.
     *
     * @param plugin the rest of the command line: options and filters ({@code --filter=error}), the plugin and its
     *               parameters.
     */
    public static NbdkitProcess unix(final Path dir, final String... plugin) throws IOException {
        return start(new NbdkitProcess(dir, true, List.of(plugin)));
    }

    /** Starts nbdkit on a free TCP port of 127.0.0.1; see {@link #unix}. */
    public static NbdkitProcess tcp(final Path dir, final String... plugin) throws IOException {
        return start(new NbdkitProcess(dir, false, List.of(plugin)));
    }

    private static NbdkitProcess start(final NbdkitProcess s) throws IOException {
        if (!isInstalled()) {
            throw new IOException("nbdkit is not installed (Debian package nbdkit)");
        }
        s.start();
        return s;
    }

    /** @return the NBD URI of the default export. */
    public String uri() {
        return unix ? "nbd+unix:///?socket=" + socket : "nbd://127.0.0.1:" + port + "/";
    }

    /** Starts (or restarts, on the same address) the server and waits until it accepts connections. */
    public void start() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("nbdkit is already running");
        }
        Files.deleteIfExists(pidFile);
        Files.deleteIfExists(socket);
        final List<String> cmd = new ArrayList<>(List.of("nbdkit", "-f", "--exit-with-parent", "-P",
            pidFile.toString()));
        if (unix) {
            cmd.addAll(List.of("-U", socket.toString()));
        } else {
            cmd.addAll(List.of("-i", "127.0.0.1", "-p", Integer.toString(port)));
        }
        cmd.addAll(plugin);
        process = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(READY_SECONDS);
        while (!ready()) {
            if (!process.isAlive()) {
                throw new IOException("nbdkit exited with " + process.exitValue() + ": " + String.join(" ", cmd)
                    + "\n" + log());
            }
            if (System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IOException("nbdkit not ready within " + READY_SECONDS + " s: " + String.join(" ", cmd)
                    + "\n" + log());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
    }

    private boolean ready() throws IOException {
        return Files.exists(pidFile) && Files.size(pidFile) > 0 && (!unix || Files.exists(socket));
    }

    /** Kills the server at once (SIGKILL), as a crash would, and waits for it to be gone. */
    public void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly().waitFor();
        }
    }

    /** @return whether the process is running. */
    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** @return the process id, or -1 before the first start. */
    public long pid() {
        return process == null ? -1 : process.pid();
    }

    /** @return what nbdkit printed so far. */
    public String log() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    @Override
    public void close() throws IOException {
        try {
            kill();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(pidFile);
            Files.deleteIfExists(log);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
