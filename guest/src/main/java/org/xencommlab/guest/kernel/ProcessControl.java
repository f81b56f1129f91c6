package org.xencommlab.guest.kernel;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.function.Supplier;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.sched.SchedulingPoint;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.api.trace.TraceKind;
import org.xencommlab.api.xencomm.ProcessXencomm;
import org.xencommlab.guest.sched.GuestScheduler;

/**
 * How one process enters and leaves the kernel and how it ends: its system calls (the memory
 * ones' bodies too: {@code mmap}, {@code munmap}, {@code mlock}, {@code munlock}, each counting
 * the errno it fails with), the return to user mode (where a kill that arrived during the call is
 * delivered), {@code exit_group}, kill, and the teardown. It alone moves the process's
 * {@link ProcessLife} from state to state ({@link GuestProcess} only asks it), and it owns the
 * process's {@code atExit} clean-ups ({@link ExitCleanups}) and the one release of its arch state.
 *
 * <p>A system call counts {@link Counter#GUEST_SYSCALLS}, loads the process's root on its vCPU and
 * reaches {@link SchedulingPoint#SYSCALL}; its return reaches
 * {@link SchedulingPoint#RETURN_TO_USER}, and the outermost return delivers a pending kill: the
 * process is torn down and the call fails with ESRCH. A kill outside a system call tears it down
 * at once.
 *
 * <p>The teardown runs once, by whichever of exit, kill or a delivered kill first moves the process
 * out of alive: its address space stops being reclaimable; every vCPU on its root goes back to the
 * kernel's; the clean-ups run, last registered first, each once (one that throws is counted and
 * does not stop the others); the arch's state of the process is released (the arch may still unpin
 * pages and issue hypercalls for the process, which runs no more user code); the address space is
 * destroyed, and the process leaves the kernel's table in the same step as it becomes dead; the
 * driver clean-ups that destroying made due run; and the kernel's arch state is released if the
 * kernel is shut down and this was its last process.
 *
 * <p>Locking: it holds the kernel's memory lock only inside {@link ProcessLife}'s steps (which
 * take it) and around each memory operation of its {@link AddressSpace}, never while it reaches a
 * scheduling point, switches a vCPU, runs a clean-up or releases an arch state.
 */
final class ProcessControl {
    private final int domid;
    private final int pid;
    private final String name;
    private final int vcpu;
    private final ProcessLife life;
    private final AddressSpace space;
    private final VcpuRoots vcpus;
    private final ProcessTable<?> table;
    private final GuestScheduler scheduler;
    private final RunMetrics metrics;
    private final Trace trace;
    private final ExitCleanups cleanups;
    private final ProcessXencomm xencomm;

    /**
     * @param life the process's life, whose transitions only this part makes
     * @param table the kernel's process table, which the process leaves at its teardown
     * @param xencomm the arch's state of the process, released at its teardown
     */
    ProcessControl(int domid, String name, int vcpu, ProcessLife life, AddressSpace space, VcpuRoots vcpus,
            ProcessTable<?> table, GuestScheduler scheduler, RunMetrics metrics, Trace trace, ProcessXencomm xencomm) {
        this.domid = domid;
        this.pid = space.pid();
        this.name = requireNonNull(name, "name is null");
        this.vcpu = vcpu;
        this.life = requireNonNull(life, "life is null");
        this.space = requireNonNull(space, "space is null");
        this.vcpus = requireNonNull(vcpus, "vcpus is null");
        this.table = requireNonNull(table, "table is null");
        this.scheduler = requireNonNull(scheduler, "scheduler is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.trace = requireNonNull(trace, "trace is null");
        this.cleanups = new ExitCleanups(trace, domid, pid);
        this.xencomm = requireNonNull(xencomm, "xencomm is null");
    }

    /** Runs {@code body} as system call {@code callName}; ESRCH if the process is not alive or is killed meanwhile. */
    <T> T systemCall(String callName, Supplier<T> body) {
        life.enterSystemCall();
        metrics.increment(Counter.GUEST_SYSCALLS);
        trace.event(TraceKind.SYSCALL, domid, () -> "pid " + pid + " " + callName);
        vcpus.switchTo(vcpu, space.rootGfn());
        scheduler.reached(SchedulingPoint.SYSCALL, domid);
        try {
            return body.get();
        } finally {
            returnToUser();
        }
    }

    private void returnToUser() {
        scheduler.reached(SchedulingPoint.RETURN_TO_USER, domid);
        if (life.leaveSystemCall()) {
            teardown(true);
            throw life.gone();
        }
    }

    /** {@code mmap} of anonymous memory; returns its address. */
    long mmap(long length) {
        return systemCall("mmap", () -> counted(() -> space.mmap(length)));
    }

    /** {@code munmap}: the clean-ups of the driver mappings it closes run before the return to user mode. */
    void munmap(long address, long length) {
        systemCall("munmap", () -> {
            List<Runnable> closed = counted(() -> space.munmap(address, length));
            // Still inside the system call: a kill that arrived meanwhile is delivered at the
            // return to user, after the mapping's resources are released (as Linux closes a VMA
            // within munmap), so no kill point separates the two.
            cleanups.runAll(closed, "driver clean-up");
            return null;
        });
    }

    void mlock(long address, long length) {
        systemCall("mlock", () -> {
            metrics.increment(Counter.MLOCK_CALLS);
            return counted(() -> space.mlock(address, length));
        });
    }

    void munlock(long address, long length) {
        systemCall("munlock", () -> {
            metrics.increment(Counter.MUNLOCK_CALLS);
            return counted(() -> space.munlock(address, length));
        });
    }

    /** Runs a memory operation under the lock; an errno it fails with is counted as an error. */
    private <T> T counted(Supplier<T> operation) {
        synchronized (space.lock()) {
            try {
                return operation.get();
            } catch (XenException e) {
                metrics.recordError(e.errno());
                throw e;
            }
        }
    }

    /** {@code exit_group}: the process ends and is torn down; ESRCH unless it is alive. */
    void exit() {
        life.enterSystemCall();
        metrics.increment(Counter.GUEST_SYSCALLS);
        trace.event(TraceKind.SYSCALL, domid, () -> "pid " + pid + " exit_group");
        scheduler.reached(SchedulingPoint.SYSCALL, domid);
        life.leaveSystemCall(); // it exits either way: a kill that came meanwhile changes nothing
        teardown(false);
    }

    /** A kill: teardown now, or at the return to user mode if the process is inside a system call. */
    void kill() {
        switch (life.requestKill()) {
            case NOW -> teardown(true);
            case AT_RETURN_TO_USER -> trace.event(TraceKind.PROCESS, domid, () -> "kill pid " + pid + " pending (in a system call)");
            case NONE -> { }
        }
    }

    /** Registers a clean-up for the teardown; if the process is already dead, runs it now (nothing else would). */
    void atExit(Runnable cleanup) {
        requireNonNull(cleanup, "cleanup is null");
        if (!life.unlessDead(() -> {
            cleanups.add(cleanup);
            return true;
        }, false)) {
            cleanups.runAll(List.of(cleanup), "clean-up");
        }
    }

    void cancelAtExit(Runnable cleanup) {
        cleanups.cancel(cleanup);
    }

    /** Clean-ups registered and not yet run. */
    int pendingCleanups() {
        return cleanups.pending();
    }

    /** Clean-ups (and driver clean-ups) that threw; the others still ran. */
    int cleanupFailures() {
        return cleanups.failures();
    }

    private void teardown(boolean byKill) {
        if (!life.beginTeardown(byKill, space::retire)) {
            return;
        }
        trace.event(TraceKind.PROCESS, domid, () -> (byKill ? "kill" : "exit") + " pid " + pid + " " + name);
        vcpus.switchAwayFrom(space.rootGfn());
        for (Runnable cleanup = cleanups.takeLast(); cleanup != null; cleanup = cleanups.takeLast()) {
            cleanups.runAll(List.of(cleanup), "clean-up");
        }
        // Exactly once (only the teardown that moved the process out of alive gets here), after
        // the clean-ups and before the address space goes.
        table.runRelease(xencomm::release, "arch state of pid " + pid);
        List<Runnable> closed = life.finishTeardown(() -> {
            List<Runnable> due = space.destroy();
            table.remove(pid);
            return due;
        });
        cleanups.runAll(closed, "driver clean-up");
        table.releaseKernelStateIfDone();
    }
}
