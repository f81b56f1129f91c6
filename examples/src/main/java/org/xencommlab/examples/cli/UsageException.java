package org.xencommlab.examples.cli;

/** A usage error found after parsing (an unwritable file, a bad value): one line, exit code 2. */
public final class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message, null, false, false);
    }
}
