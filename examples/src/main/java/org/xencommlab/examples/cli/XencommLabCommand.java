package org.xencommlab.examples.cli;

import java.io.PrintWriter;
import org.xencommlab.examples.scenario.ScenarioCatalog;
import org.xencommlab.examples.wiring.PluginRegistry;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code xencomm-lab}: the lab's command line. Exit codes: 0 success, 2 a usage error (an unknown
 * name, a bad number, an unwritable file), 1 a run that could not complete.
 */
@Command(
        name = "xencomm-lab",
        mixinStandardHelpOptions = true,
        versionProvider = LabVersion.class,
        description = "Simulates a Xen-like hypervisor and its guests byte for byte, and compares how a guest"
                + " hands memory to the hypervisor in a hypercall.",
        subcommands = {CompareCommand.class, DiffCommand.class, RunCommand.class, ListCommand.class, AbiCommand.class, FuzzCommand.class,
                CommandLine.HelpCommand.class})
public final class XencommLabCommand implements Runnable {
    /** Exit code for a usage error. */
    public static final int EXIT_USAGE = 2;
    /** Exit code for a run that could not complete. */
    public static final int EXIT_FAILED = 1;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command; try 'xencomm-lab list'");
    }

    /** Builds the command line with its error handling, writing to {@code out} and {@code err}. */
    public static CommandLine commandLine(PluginRegistry registry, PrintWriter out, PrintWriter err) {
        CommandLine commandLine = new CommandLine(new XencommLabCommand(), new LabCommandFactory(registry, ScenarioCatalog.standard()));
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler(new OneLineErrors());
        commandLine.setParameterExceptionHandler(new OneLineErrors());
        return commandLine;
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
            code = commandLine(PluginRegistry.discover(), out, err).execute(args);
        } catch (IllegalStateException e) {
            err.println("xencomm-lab: " + e.getMessage());
            code = EXIT_FAILED;
        }
        out.flush();
        err.flush();
        System.exit(code);
    }
}
