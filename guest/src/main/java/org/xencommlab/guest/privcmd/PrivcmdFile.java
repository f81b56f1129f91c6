package org.xencommlab.guest.privcmd;

import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.xencomm.PreparedHypercall;
import org.xencommlab.guest.kernel.GuestProcess;

/**
 * A process's open privcmd file. Its hypercall ioctl ({@code IOCTL_PRIVCMD_HYPERCALL}) is one
 * system call: it reaches the {@code SYSCALL} point, runs on the process's page tables, lets the
 * arch's guest half prepare the arguments, issues the hypercall through the gate, runs the
 * completion whatever the result, and returns to user mode (where a pending kill is delivered).
 * Not thread-safe (one process, one thread).
 */
public final class PrivcmdFile {
    private final Privcmd driver;
    private final GuestProcess process;
    private final Runnable closer;
    private boolean closed;

    PrivcmdFile(Privcmd driver, GuestProcess process) {
        this.driver = driver;
        this.process = process;
        this.closer = () -> closed = true;
    }

    public GuestProcess process() {
        return process;
    }

    public boolean isOpen() {
        return !closed;
    }

    /**
     * Issues hypercall {@code op}: returns the hypervisor's result, or a negative errno from the
     * driver (EBADF if the file is closed; ENOSYS or another errno if the arch's guest half
     * refused to prepare the call).
     *
     * @throws XenException ESRCH if the process is dead, or was killed during the call
     */
    public long hypercall(int op, long... args) {
        long[] copy = args.clone();
        return process.systemCall("ioctl privcmd hypercall", () -> {
            int domid = process.kernel().domid();
            if (closed) {
                driver.metrics().recordError(XenErrno.EBADF);
                return XenErrno.EBADF.asResult();
            }
            PreparedHypercall prepared;
            try {
                prepared = driver.xencomm().prepareUserHypercall(process, op, copy, driver.handleSites());
            } catch (XenException e) {
                driver.metrics().recordError(e.errno());
                Privcmd.traceCall(driver.trace(), domid, process.pid(), op, e.asResult());
                return e.asResult();
            }
            long result;
            try {
                result = driver.gate().hypercall(domid, process.vcpu(), op, prepared.args());
            } finally {
                prepared.completion().run();
            }
            Privcmd.traceCall(driver.trace(), domid, process.pid(), op, result);
            return result;
        });
    }

    /** {@code close(fd)}: a system call; closing twice is EBADF. */
    public void close() {
        process.systemCall("close privcmd", () -> {
            if (closed) {
                throw new XenException(XenErrno.EBADF, "privcmd file already closed");
            }
            closed = true;
            process.cancelAtExit(closer);
            return null;
        });
    }

    Runnable closer() {
        return closer;
    }
}
