package org.xencommlab.examples.scenario;

import java.util.Optional;
import org.xencommlab.api.errno.XenErrno;

/**
 * A workload that could not complete on a configuration: what failed, and the errno it saw (if one
 * did). The lab reports the run as {@code failed}; it is a result, not a bug.
 */
public final class WorkloadFailure extends RuntimeException {
    private final XenErrno errno;

    public WorkloadFailure(String message, XenErrno errno) {
        super(message, null, false, false);
        this.errno = errno;
    }

    public WorkloadFailure(String message) {
        this(message, null);
    }

    public Optional<XenErrno> errno() {
        return Optional.ofNullable(errno);
    }
}
