package org.writecache.bench;

import java.io.PrintWriter;
import java.util.List;
import java.util.function.Function;
import java.util.logging.Level;

import org.writecache.WaitPolicy;
import org.writecache.bench.cli.CheckCommand;
import org.writecache.bench.cli.ConfigCommand;
import org.writecache.bench.cli.ConsoleLog;
import org.writecache.bench.cli.DumpCommand;
import org.writecache.bench.cli.Errors;
import org.writecache.bench.cli.FlushCommand;
import org.writecache.bench.cli.FormatCommand;
import org.writecache.bench.cli.StatusCommand;
import org.writecache.bench.cli.TableCommand;
import org.writecache.pmem.FlushPolicy;
import org.writecache.pmem.PmemBackend;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code writecache} command: every tool of the project as a subcommand.
 *
 * <p>Errors are handled here, once for every subcommand: exit status 0 on success, 1 when {@code check} finds
 * problems, 2 for bad usage or configuration, 3 for an I/O or cache error ({@link Errors}); each failure is one line on
 * the error stream, a stack trace only with {@code --debug} or {@code WRITECACHE_DEBUG=1}. Log records of the library
 * are one line each too ({@link ConsoleLog}): warnings by default, INFO with {@code --verbose}.
 */
@Command(name = "writecache", mixinStandardHelpOptions = true, version = "writecache 0.1.0",
    description = "A persistent-memory write-back block cache: benchmarks and tools.",
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {"0:success", "1:check found problems in the cache file", "2:bad usage or configuration",
        "3:an I/O or cache error"},
    subcommands = {
        BenchCommand.class,
        org.writecache.bench.wakeup.WakeupCommand.class,
        H2Bench.class,
        WritebackBenchCommand.class,
        JmhCommand.class,
        ServeCommand.class,
        org.writecache.bench.nbd.NbdBenchCommand.class,
        FormatCommand.class, CheckCommand.class, StatusCommand.class, FlushCommand.class, DumpCommand.class,
        TableCommand.class, ConfigCommand.class,
        CommandLine.HelpCommand.class,
    })
public final class Main implements Runnable {
    /** The environment variable that turns {@code --debug} on. */
    public static final String DEBUG_ENV = "WRITECACHE_DEBUG";

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--debug", scope = ScopeType.INHERIT,
        description = "On failure print the stack trace; log everything (also: " + DEBUG_ENV + "=1).")
    private boolean debug;

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
        description = "Log what the library does (open, format, recovery) at INFO, one line each.")
    private boolean verbose;

    /** Runs the command line and exits with its status. */
    public static void main(final String[] args) {
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /**
     * Runs the command line with the given output and error streams.
     *
     * @return the exit status: 0 success, 1 problems found by {@code check}, 2 bad usage or configuration, 3 an I/O or
     *         cache error.
     */
    public static int execute(final PrintWriter out, final PrintWriter err, final String... args) {
        final Main main = new Main();
        final CommandLine cl = new CommandLine(main).setOut(out).setErr(err)
            .registerConverter(FlushPolicy.class, reading(FlushPolicy::parse))
            .registerConverter(PmemBackend.class, reading(PmemBackend::parse))
            .registerConverter(WaitPolicy.class, reading(WaitPolicy::parse));
        try (ConsoleLog log = ConsoleLog.install(err)) {
            cl.setExecutionStrategy(parsed -> {
                log.level(main.debug() ? Level.FINE : main.verbose ? Level.INFO : Level.WARNING, main.debug());
                return new CommandLine.RunLast().execute(parsed);
            });
            cl.setParameterExceptionHandler((e, a) -> usageError(main, e));
            cl.setExecutionExceptionHandler((e, c, parsed) -> failure(main, c, e));
            return cl.execute(args);
        }
    }

    /** Option values of these types take the spelling of the properties file ({@code fence-only}). */
    private static <T> CommandLine.ITypeConverter<T> reading(final Function<String, T> parse) {
        return text -> {
            try {
                return parse.apply(text);
            } catch (final IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        };
    }

    private boolean debug() {
        return debug || "1".equals(System.getenv(DEBUG_ENV)) || "true".equals(System.getenv(DEBUG_ENV));
    }

    private static int usageError(final Main main, final ParameterException e) {
        final CommandLine c = e.getCommandLine();
        final List<String> suggestions = e instanceof UnmatchedArgumentException u ? u.getSuggestions() : List.of();
        c.getErr().println(c.getCommandSpec().qualifiedName() + ": " + e.getMessage()
            + (suggestions.isEmpty() ? "" : "; did you mean " + String.join(" or ", suggestions) + "?")
            + " (see " + c.getCommandSpec().qualifiedName() + " --help)");
        if (main.debug()) {
            e.printStackTrace(c.getErr());
        }
        c.getErr().flush();
        return Errors.USAGE;
    }

    private static int failure(final Main main, final CommandLine c, final Exception e) {
        c.getErr().println(c.getCommandSpec().qualifiedName() + ": " + Errors.describe(e));
        if (main.debug()) {
            e.printStackTrace(c.getErr());
        }
        c.getErr().flush();
        return Errors.exitCode(e);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
