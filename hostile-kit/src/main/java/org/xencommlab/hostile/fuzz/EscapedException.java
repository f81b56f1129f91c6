package org.xencommlab.hostile.fuzz;

/**
 * An exception that came out of the hypervisor's gate (or a kernel's privcmd path around it)
 * during a hostile call: a breach, since a guest must only ever see a result or an errno. Carries
 * what was thrown as its cause.
 */
public final class EscapedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    EscapedException(RuntimeException cause) {
        super(cause.toString(), cause);
    }
}
