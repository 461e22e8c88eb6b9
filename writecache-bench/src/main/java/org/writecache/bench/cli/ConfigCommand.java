package org.writecache.bench.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;

import org.writecache.SettingsText;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code writecache config}: prints a configuration as a properties file, or the texts generated from the settings'
 * descriptors: {@code config/writecache.properties} ({@code --defaults}) and the README's table ({@code --markdown}).
 */
@Command(name = "config", mixinStandardHelpOptions = true,
    description = {"Print the configuration the options make, validated, as a properties file.",
        "--defaults prints config/writecache.properties: every setting, its documentation and default.",
        "--markdown prints the README's table of settings."})
public final class ConfigCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @ArgGroup
    Generated generated;

    /** The generated texts; at most one. */
    static final class Generated {
        @Option(names = "--defaults", description = "Print every setting with its documentation and default "
            + "(the text of config/writecache.properties).")
        boolean defaults;

        @Option(names = "--markdown", description = "Print the table of settings of the README.")
        boolean markdown;
    }

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        final PrintWriter out = spec.commandLine().getOut();
        if (generated != null && generated.defaults) {
            out.print(SettingsText.propertiesFile());
        } else if (generated != null && generated.markdown) {
            out.print(SettingsText.markdownTable());
        } else {
            for (final Map.Entry<String, String> e : options.build().toProperties().entrySet()) {
                out.println(e.getKey() + "=" + e.getValue());
            }
        }
        out.flush();
        return Errors.OK;
    }
}
