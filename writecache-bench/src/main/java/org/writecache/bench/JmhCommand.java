package org.writecache.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code writecache jmh [regex] [jmh options]}: runs the JMH benchmarks of {@code org.writecache.bench.jmh} that
 * this jar holds, passing every argument to JMH (the folder of a {@code -rff} result file is created first) (for example {@code -f 1 -wi 2 -i 3 -rf csv -rff target/jmh-result.csv}).
 */
@Command(name = "jmh", description = {"Run the JMH benchmarks (org.writecache.bench.jmh); arguments go to JMH.",
    "Example: writecache jmh WriteCacheBenchmark -f 1 -wi 2 -i 3 -rf csv -rff target/jmh-result.csv"})
public final class JmhCommand implements Callable<Integer> {

    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        try {
            new CommandLineOptions(args.toArray(String[]::new));
        } catch (final CommandLineOptionException e) {
            throw new IllegalArgumentException("bad JMH option: " + e.getMessage(), e);
        }
        final int rff = args.indexOf("-rff");
        if (rff >= 0 && rff + 1 < args.size()) {
            final java.nio.file.Path parent = java.nio.file.Path.of(args.get(rff + 1)).toAbsolutePath().getParent();
            if (parent != null) {
                java.nio.file.Files.createDirectories(parent);
            }
        }
        org.openjdk.jmh.Main.main(args.toArray(String[]::new));
        return 0;
    }
}
