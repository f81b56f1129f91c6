package org.xencommlab.examples.cli;

/** A run whose workload could not complete: one line, exit code 1. */
final class RunFailedException extends RuntimeException {
    RunFailedException(String message) {
        super(message, null, false, false);
    }
}
