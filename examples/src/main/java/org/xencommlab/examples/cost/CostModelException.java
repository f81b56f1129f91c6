package org.xencommlab.examples.cost;

/**
 * A cost-model file that cannot be used. The message is one line naming the file, the key and what
 * is valid, fit to print to a CLI user as it is.
 */
public final class CostModelException extends RuntimeException {
    public CostModelException(String message) {
        super(message);
    }

    public CostModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
