package org.xencommlab.examples.cli;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
        commandLine.getErr().println("xencomm-lab: " + clearer(e.getMessage()) + " (" + valid + ")");
        return XencommLabCommand.EXIT_USAGE;
    }

    private static final Pattern NOT_KEY_VALUE = Pattern.compile(
            "Value for option (?:option )?'(--[\\w-]+)' \\(KEY=VALUE\\) should be in KEY=VALUE format but was (.*)");

    /** Picocli's message, with its "option option" and its format talk said plainly. */
    static String clearer(String message) {
        if (message == null) {
            return "bad command line";
        }
        Matcher keyValue = NOT_KEY_VALUE.matcher(message);
        if (keyValue.matches()) {
            String given = keyValue.group(2);
            return keyValue.group(1) + " " + given + " has no value; write " + keyValue.group(1) + " "
                    + (given.isEmpty() ? "KEY" : given) + "=VALUE";
        }
        return message.replace("option option", "option");
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
