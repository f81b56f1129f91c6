package org.xencommlab.examples.cli;

import java.io.PrintWriter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import org.xencommlab.examples.scenario.ScenarioCatalog;
import org.xencommlab.machine.wiring.PluginFolder;
import org.xencommlab.machine.wiring.PluginLoadException;
import org.xencommlab.machine.wiring.PluginRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine;

/**
 * {@code xencomm-lab}: the lab's command line. Exit codes: 0 success, 2 a usage error (an unknown
 * name, a bad number, an unwritable file, bad plugin input), 1 a run that could not complete.
 *
 * <p>The global option {@code --plugins DIR} (before or after the command) loads the plugin jars
 * in DIR through one class loader ({@link PluginFolder}) besides the archs and strategies on the
 * class path; without it, the default folder is used if it exists (the launcher names
 * {@code plugins/} beside itself in the system property {@value #PLUGINS_PROPERTY}). The folder
 * is loaded after the command line is parsed and before the command runs, and its class loader is
 * closed when the command ends.
 */
@Command(
        name = "xencomm-lab",
        mixinStandardHelpOptions = true,
        versionProvider = LabVersion.class,
        description = "Simulates a Xen-like hypervisor and its guests byte for byte, and compares how a guest"
                + " hands memory to the hypervisor in a hypercall.",
        subcommands = {CompareCommand.class, MergeCommand.class, DiffCommand.class, RunCommand.class, ListCommand.class, AbiCommand.class, FuzzCommand.class,
                CommandLine.HelpCommand.class})
public final class XencommLabCommand implements Runnable {
    /** Exit code for a usage error. */
    public static final int EXIT_USAGE = 2;
    /** Exit code for a run that could not complete. */
    public static final int EXIT_FAILED = 1;

    /** The system property naming the default plugins folder (the launcher sets it). */
    public static final String PLUGINS_PROPERTY = "xencomm.lab.plugins";

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--plugins", paramLabel = "DIR", scope = CommandLine.ScopeType.INHERIT,
            description = "Load every plugin jar in DIR (archs and strategies, found through META-INF/services) besides"
                    + " the built-in ones. Default: the plugins folder beside the launcher, if there is one.")
    private Path plugins;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command; try 'xencomm-lab list'");
    }

    /**
     * Builds the command line with its error handling, writing to {@code out} and {@code err}, with
     * the plugins of {@code registry} and those of a folder named with {@code --plugins}.
     */
    public static CommandLine commandLine(PluginRegistry registry, PrintWriter out, PrintWriter err) {
        return commandLine(registry, null, out, err);
    }

    /**
     * As {@link #commandLine(PluginRegistry, PrintWriter, PrintWriter)}, loading the plugins folder
     * {@code defaultPlugins} too when no {@code --plugins} is given and the folder exists.
     *
     * @param defaultPlugins the default plugins folder, or {@code null} for none
     */
    public static CommandLine commandLine(PluginRegistry registry, Path defaultPlugins, PrintWriter out, PrintWriter err) {
        CommandLine commandLine = withRegistry(registry, out, err);
        commandLine.setExecutionStrategy(parsed -> executeWithPlugins(parsed, registry, defaultPlugins, out, err));
        return commandLine;
    }

    private static CommandLine withRegistry(PluginRegistry registry, PrintWriter out, PrintWriter err) {
        CommandLine commandLine = new CommandLine(new XencommLabCommand(), new LabCommandFactory(registry, ScenarioCatalog.standard()));
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler(new OneLineErrors());
        commandLine.setParameterExceptionHandler(new OneLineErrors());
        return commandLine;
    }

    /**
     * Runs the parsed command with the plugins folder loaded: when it holds plugins, through a
     * command line built on the registry that includes them, which sees the same arguments. Bad
     * plugin input is one line and exit code 2, with nothing loaded; help needs no plugins.
     */
    private static int executeWithPlugins(ParseResult parsed, PluginRegistry builtIn, Path defaultPlugins,
            PrintWriter out, PrintWriter err) {
        if (helpRequested(parsed)) {
            return new CommandLine.RunLast().execute(parsed);
        }
        Path named = pluginsOption(parsed);
        PluginFolder folder;
        try {
            folder = PluginFolder.load(named != null ? named : defaultPlugins, named != null, builtIn);
        } catch (PluginLoadException e) {
            err.println("xencomm-lab: " + e.getMessage());
            err.flush();
            return EXIT_USAGE;
        }
        try (folder) {
            if (folder.jars().isEmpty()) {
                return new CommandLine.RunLast().execute(parsed);
            }
            return withRegistry(folder.registry(), out, err).execute(parsed.originalArgs().toArray(String[]::new));
        }
    }

    private static boolean helpRequested(ParseResult parsed) {
        for (ParseResult level = parsed; level != null; level = level.subcommand()) {
            if (level.isUsageHelpRequested() || level.isVersionHelpRequested()
                    || level.commandSpec().userObject() instanceof CommandLine.HelpCommand) {
                return true;
            }
        }
        return false;
    }

    /** The {@code --plugins} folder given on any level of the command line (the last one wins), or null. */
    private static Path pluginsOption(ParseResult parsed) {
        Path found = null;
        for (ParseResult level = parsed; level != null; level = level.subcommand()) {
            Path here = level.matchedOptionValue("--plugins", (Path) null);
            if (here != null) {
                found = here;
            }
        }
        return found;
    }

    /**
     * Guice's option for generating bytecode (method interception, fast construction). The lab
     * uses no AOP, and the generator calls {@code sun.misc.Unsafe}, which JDK 24 and later warn
     * about on every run; with it disabled Guice constructs by reflection and prints nothing.
     */
    static final String GUICE_BYTECODE_OPTION = "guice_bytecode_gen_option";

    public static void main(String[] args) {
        if (System.getProperty(GUICE_BYTECODE_OPTION) == null) {
            System.setProperty(GUICE_BYTECODE_OPTION, "DISABLED");
        }
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int code;
        try {
            code = commandLine(PluginRegistry.discover(), defaultPlugins(), out, err).execute(args);
        } catch (IllegalStateException e) {
            err.println("xencomm-lab: " + e.getMessage());
            code = EXIT_FAILED;
        }
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** The folder the launcher names in {@value #PLUGINS_PROPERTY}, or null. */
    private static Path defaultPlugins() {
        String folder = System.getProperty(PLUGINS_PROPERTY);
        if (folder == null || folder.isBlank()) {
            return null;
        }
        try {
            return Path.of(folder);
        } catch (InvalidPathException e) {
            return null;
        }
    }
}
