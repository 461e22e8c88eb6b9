package org.writecache.bench;

import org.writecache.bench.cli.CheckCommand;
import org.writecache.bench.cli.DumpCommand;
import org.writecache.bench.cli.FlushCommand;
import org.writecache.bench.cli.FormatCommand;
import org.writecache.bench.cli.StatusCommand;
import org.writecache.bench.cli.TableCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code writecache} command: every tool of the project as a subcommand. */
@Command(name = "writecache", mixinStandardHelpOptions = true, version = "writecache 0.1.0",
    description = "A persistent-memory write-back block cache: benchmarks and tools.",
    subcommands = {
        BenchCommand.class,
        org.writecache.bench.wakeup.WakeupCommand.class,
        H2Bench.class,
        WritebackBenchCommand.class,
        JmhCommand.class,
        ServeCommand.class,
        org.writecache.bench.nbd.NbdBenchCommand.class,
        FormatCommand.class, CheckCommand.class, StatusCommand.class, FlushCommand.class, DumpCommand.class,
        TableCommand.class,
        CommandLine.HelpCommand.class,
    })
public final class Main implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** Runs the command line and exits with its status. */
    public static void main(final String[] args) {
        System.exit(new CommandLine(new Main())
            .setExecutionExceptionHandler((e, cl, parsed) -> {
                if (e instanceof IllegalArgumentException || e instanceof java.io.IOException) {
                    cl.getErr().println("writecache " + cl.getCommandName() + ": " + e.getMessage());
                    return 1;
                }
                throw e;
            })
            .execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
