package org.writecache.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** What the machine is, for the report: processor, cores, memory, JVM, and the file systems used. */
public final class MachineInfo {
    private MachineInfo() {
    }

    /** @return processor, cores, memory, OS, JVM and the file systems of the two files, for reports. */
    public static Map<String, String> describe(final Path cacheFile, final Path backingFile) {
        final Map<String, String> m = new LinkedHashMap<>();
        m.put("cpu", procLine(Path.of("/proc/cpuinfo"), "model name").orElse(System.getProperty("os.arch")));
        m.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
        m.put("memory", procLine(Path.of("/proc/meminfo"), "MemTotal").orElse("unknown"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        m.put("cache file", cacheFile + " (" + fileSystem(cacheFile) + ")");
        m.put("backing file", backingFile + " (" + fileSystem(backingFile) + ")");
        return m;
    }

    private static Optional<String> procLine(final Path file, final String key) {
        try {
            return Files.readAllLines(file).stream().filter(l -> l.startsWith(key)).findFirst()
                .map(l -> l.substring(l.indexOf(':') + 1).trim());
        } catch (final IOException e) {
            return Optional.empty();
        }
    }

    private static String fileSystem(final Path file) {
        try {
            Path p = file.toAbsolutePath();
            while (p != null && !Files.exists(p)) {
                p = p.getParent();
            }
            return p == null ? "unknown" : Files.getFileStore(p).type();
        } catch (final IOException e) {
            return "unknown";
        }
    }
}
