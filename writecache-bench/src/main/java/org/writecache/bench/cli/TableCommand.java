package org.writecache.bench.cli;

import java.util.concurrent.Callable;

import org.writecache.DmTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code writecache table}: prints the dm-style table line of a configuration. */
@Command(name = "table", mixinStandardHelpOptions = true,
    description = "Print the dm-writecache table line of a configuration.")
public final class TableCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().println(DmTable.format(ConfigOptions.requireBacking(options.build())));
        return Errors.OK;
    }
}
