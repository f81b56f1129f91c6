package org.xencommlab.guest.kernel;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.TreeMap;
import java.util.function.IntFunction;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.api.trace.TraceKind;

/**
 * The process table of one guest kernel: pid allocation, the live (and exiting) processes in pid
 * order, the shutdown that refuses new ones, and the one release of the kernel's arch state, which
 * follows the shutdown and the reaping of the last process, whichever comes later. It also runs
 * every arch-state release of the kernel and of its processes ({@link #runRelease}): a release
 * that throws (an arch bug) is counted and traced, never thrown, so a teardown always completes.
 *
 * <p>Locking: its state is guarded by the kernel's memory lock ({@link PageReclaim#lock()}), so
 * that a process leaves the table in the same step as it becomes dead, and a start is refused
 * or completed as one step with the shutdown. {@link #start}, the reads, {@link #shutDown()} and
 * {@link #releaseKernelStateIfDone} take it themselves; {@link #remove} requires the caller to hold
 * it. It never holds the lock while it runs a release: a release may call the hypervisor.
 *
 * @param <P> the process type ({@link GuestProcess}; anything in a test)
 */
final class ProcessTable<P> {
    private final Object lock;
    private final int domid;
    private final Trace trace;
    private final Runnable kernelRelease;
    private final TreeMap<Integer, P> processes = new TreeMap<>();
    private int nextPid = 1;
    private boolean shutDown;
    private boolean kernelStateReleased;
    private int releaseFailures;

    /**
     * @param lock the kernel's memory lock
     * @param kernelRelease releases the kernel's arch state; run at most once, never under the lock
     */
    ProcessTable(Object lock, int domid, Trace trace, Runnable kernelRelease) {
        this.lock = requireNonNull(lock, "lock is null");
        this.domid = domid;
        this.trace = requireNonNull(trace, "trace is null");
        this.kernelRelease = requireNonNull(kernelRelease, "kernelRelease is null");
    }

    /**
     * Starts a process under the lock: takes the next pid (used up even if the start fails), has
     * {@code make} build the process for it and enters it in the table.
     *
     * @throws XenException ESRCH once the kernel is shut down (nothing is made); whatever
     *     {@code make} throws, with nothing entered
     */
    P start(IntFunction<P> make) {
        synchronized (lock) {
            if (shutDown) {
                throw new XenException(XenErrno.ESRCH, "kernel of domain " + domid + " is shut down");
            }
            int pid = nextPid++;
            P process = requireNonNull(make.apply(pid), "no process was made");
            processes.put(pid, process);
            return process;
        }
    }

    /** The live process {@code pid}, or null. */
    P get(int pid) {
        synchronized (lock) {
            return processes.get(pid);
        }
    }

    /** Live (and exiting) processes in pid order. */
    List<P> all() {
        synchronized (lock) {
            return List.copyOf(processes.values());
        }
    }

    /** Refuses every later start; returns the processes live now, to be killed by the caller. */
    List<P> shutDown() {
        synchronized (lock) {
            shutDown = true;
            return List.copyOf(processes.values());
        }
    }

    /** Takes a dead process out of the table (lock held); then call {@link #releaseKernelStateIfDone}, without it. */
    void remove(int pid) {
        processes.remove(pid);
    }

    /** Releases the kernel's arch state, once: after the shutdown, with no process left. Never under the lock. */
    void releaseKernelStateIfDone() {
        synchronized (lock) {
            if (!shutDown || kernelStateReleased || !processes.isEmpty()) {
                return;
            }
            kernelStateReleased = true;
        }
        runRelease(kernelRelease, "kernel arch state");
    }

    /** Whether the kernel's arch state was released. */
    boolean kernelStateReleased() {
        synchronized (lock) {
            return kernelStateReleased;
        }
    }

    /** Runs an arch state's release; a failure is counted and traced, never thrown. Never under the lock. */
    void runRelease(Runnable release, String what) {
        try {
            release.run();
        } catch (RuntimeException e) {
            synchronized (lock) {
                releaseFailures++;
            }
            trace.event(TraceKind.PROCESS, domid, () -> "release of the " + what + " failed: " + e);
        }
    }

    /** Releases (of the kernel's or its processes' arch states) that threw; each still counted as done. */
    int releaseFailures() {
        synchronized (lock) {
            return releaseFailures;
        }
    }
}
