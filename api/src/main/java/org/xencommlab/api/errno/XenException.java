package org.xencommlab.api.errno;

import static java.util.Objects.requireNonNull;

/**
 * An error that carries a Xen errno. Code on either side of the trust boundary throws it to
 * abandon an operation; the hypervisor's hypercall entry and the guest's system-call layer catch it
 * and turn it into the negative errno the caller sees. It never crosses the hypervisor entry.
 */
public final class XenException extends RuntimeException {
    private final XenErrno errno;

    public XenException(XenErrno errno, String message) {
        super(requireNonNull(errno, "errno is null").name() + ": " + message, null, false, false);
        this.errno = errno;
    }

    public XenErrno errno() {
        return errno;
    }

    /** {@code -errno}, as a hypercall or system call returns it. */
    public long asResult() {
        return errno.asResult();
    }
}
