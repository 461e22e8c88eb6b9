package org.writecache.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code writecache} command: every tool of the project as a subcommand. */
@Command(name = "writecache", mixinStandardHelpOptions = true, version = "writecache 0.1.0",
    description = "A persistent-memory write-back block cache: benchmarks and tools.",
    subcommands = {
        CommandLine.HelpCommand.class,
        BenchCommand.class,
        JmhCommand.class,
    })
public final class Main implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** Runs the command line and exits with its status. */
    public static void main(final String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
