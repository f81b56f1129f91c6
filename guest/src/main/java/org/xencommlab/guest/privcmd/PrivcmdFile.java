package org.xencommlab.guest.privcmd;

import org.xencommlab.api.abi.ArgumentStrategy;
import org.xencommlab.api.abi.UserCall;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.xencomm.PreparedHypercall;
import org.xencommlab.guest.kernel.GuestProcess;

/**
 * A process's open privcmd file. Its hypercall ioctl ({@code IOCTL_PRIVCMD_HYPERCALL}), the one
 * way a tool issues a hypercall whatever the strategy, is one system call: it reaches the
 * {@code SYSCALL} point, runs on the process's page tables, lets the arch's guest half and then the
 * run's strategy prepare the arguments, issues the hypercall through the gate, runs the
 * completions, and returns to user mode (where a pending kill is delivered). Not thread-safe (one
 * process, one thread).
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
     * Issues hypercall {@code op} (privcmd's one hypercall ioctl, whatever the strategy): the arch's
     * guest half sees the tool's words first ({@code GuestXencomm.prepareUserHypercall}, with the
     * strategy's handle sites), then the run's strategy does its kernel part
     * ({@link ArgumentStrategy#carryUserCall}: for example copying a block from the tool's memory
     * into kernel memory), the hypercall is issued on the process's vCPU, the strategy's and the
     * arch's completions run, and every kernel block the strategy asked for is freed, whatever
     * happened. Returns the hypervisor's result, or a negative errno from the driver: EBADF if the
     * file is closed; ENOSYS or another errno if the arch's guest half or the strategy refused the
     * call (nothing is then issued).
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
                prepared = process.xencomm().prepareUserHypercall(op, copy, driver.strategy().handleSites());
            } catch (XenException e) {
                return refused(domid, op, e);
            }
            long result;
            try {
                result = carry(domid, op, prepared.args());
            } catch (XenException e) {
                result = refused(domid, op, e);
                return result;
            } finally {
                prepared.completion().run();
            }
            Privcmd.traceCall(driver.trace(), domid, process.pid(), op, result);
            return result;
        });
    }

    // The strategy's kernel part around the hypercall; its blocks are freed whatever happened.
    private long carry(int domid, int op, long[] args) {
        PrivcmdCall call = new PrivcmdCall(driver, process);
        try {
            UserCall carried = driver.strategy().carryUserCall(call, op, args);
            long result = call.issue(() -> driver.gate().hypercall(domid, process.vcpu(), op, carried.args()));
            carried.completion().run();
            return result;
        } finally {
            call.freeAll();
        }
    }

    private long refused(int domid, int op, XenException e) {
        driver.metrics().recordError(e.errno());
        Privcmd.traceCall(driver.trace(), domid, process.pid(), op, e.asResult());
        return e.asResult();
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
