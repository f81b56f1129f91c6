package org.xencommlab.examples.cli;

import picocli.CommandLine;

/**
 * Turns every error into one line on standard error and an exit code: usage errors (bad options,
 * unknown names, bad numbers, unwritable files) exit 2; anything else that stops a run exits 1. A
 * user never sees a stack trace.
 */
final class OneLineErrors implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {
    @Override
    public int handleParseException(CommandLine.ParameterException e, String[] args) {
        CommandLine commandLine = e.getCommandLine();
        String valid = commandLine.getSubcommands().isEmpty()
                ? "see '" + commandLine.getCommandSpec().qualifiedName() + " --help'"
                : "commands: " + String.join(", ", commandLine.getSubcommands().keySet());
        commandLine.getErr().println("xencomm-lab: " + e.getMessage() + " (" + valid + ")");
        return XencommLabCommand.EXIT_USAGE;
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        if (e instanceof UsageException || e instanceof IllegalArgumentException) {
            commandLine.getErr().println("xencomm-lab: " + e.getMessage());
            return XencommLabCommand.EXIT_USAGE;
        }
        if (e instanceof RunFailedException) {
            commandLine.getErr().println("xencomm-lab: " + e.getMessage());
            return XencommLabCommand.EXIT_FAILED;
        }
        commandLine.getErr().println("xencomm-lab: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        return XencommLabCommand.EXIT_FAILED;
    }
}
