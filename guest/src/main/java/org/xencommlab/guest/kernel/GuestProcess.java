package org.xencommlab.guest.kernel;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.kernel.UserProcessServices;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.sched.SchedulingPoint;
import org.xencommlab.api.trace.TraceKind;
import org.xencommlab.api.xencomm.KernelXencomm;
import org.xencommlab.api.xencomm.ProcessXencomm;
import org.xencommlab.guest.sched.Killable;

/**
 * A user process of a {@link GuestKernel}: its life (system calls, kill, exit, teardown and the
 * {@link #atExit} clean-ups) over its {@link AddressSpace}, to which the memory calls and the
 * kernel-mode helpers a driver uses are handed. Started with {@link GuestKernel#startProcess}.
 *
 * <p>Linux semantics throughout: anonymous memory is demand-paged (first touch maps a zeroed
 * frame); user loads and stores walk the process's page tables in guest memory as the MMU does
 * and fault on a missing entry; {@code mlock} is a per-page flag, not reference counted, limited
 * by {@code RLIMIT_MEMLOCK} ({@link org.xencommlab.guest.GuestConfig#mlockLimitPages()}), and it
 * faults the pages in; a driver's mapping of kernel frames is never swapped, migrated, locked or
 * pinned. Invalid arguments get the errno Linux gives and change nothing. A kill is delivered at
 * the next return to user mode when the process is inside a system call, immediately otherwise;
 * {@code munmap} runs the clean-up of a driver mapping it closes before that return, so no kill
 * separates a mapping's removal from the release of its resources. Teardown runs the
 * {@link #atExit} clean-ups (last registered first, each once, a failing one does not stop the
 * others), then releases the arch's state of the process ({@link ProcessXencomm#release}, exactly
 * once, made by the kernel's arch state when the process started: {@link #xencomm()}), then
 * unmaps everything (driver clean-ups run), releases locked pages and frees every frame and page
 * table. A system call on a dead process fails with ESRCH.
 *
 * <p>Locking: its own state (life cycle, system-call depth, pending kill, clean-ups) is guarded
 * by the kernel's memory lock, the same lock its address space requires, so that a state check
 * and the memory operation it guards are one step. It never holds that lock while it reaches a
 * scheduling point, switches a vCPU or runs a clean-up.
 */
public final class GuestProcess implements UserProcessServices, Killable {
    private enum State {
        ALIVE,
        EXITING,
        DEAD
    }

    private final GuestKernel kernel;
    private final int pid;
    private final String name;
    private final int vcpu;
    private final AddressSpace space;
    private final Object lock;
    private final VcpuRoots vcpus;
    private final Runnable reap;
    private final ExitCleanups cleanups;
    private final ProcessXencomm xencomm;
    private State state = State.ALIVE;
    private int syscallDepth;
    private boolean killPending;
    private boolean killed;

    /**
     * @param lock the kernel's memory lock
     * @param kernelXencomm the kernel's arch state, which makes this process's (called here, with
     *     the lock held: it only makes the object)
     * @param reap removes it from the kernel's process table, called with the lock held when it is dead
     */
    GuestProcess(GuestKernel kernel, String name, int vcpu, AddressSpace space, Object lock, VcpuRoots vcpus,
            KernelXencomm kernelXencomm, Runnable reap) {
        this.kernel = kernel;
        this.pid = space.pid();
        this.name = name;
        this.vcpu = vcpu;
        this.space = space;
        this.lock = lock;
        this.vcpus = vcpus;
        this.reap = reap;
        this.cleanups = new ExitCleanups(kernel.trace(), kernel.domid(), pid);
        // Last: the arch may keep this process but calls none of it while it attaches.
        this.xencomm = requireNonNull(kernelXencomm.attachProcess(this), "the arch's guest half made no process state");
    }

    /** The arch's state of this process, made when it started; released at its teardown. */
    public ProcessXencomm xencomm() {
        return xencomm;
    }

    @Override
    public int pid() {
        return pid;
    }

    public String name() {
        return name;
    }

    @Override
    public GuestKernel kernel() {
        return kernel;
    }

    @Override
    public PageSize pageSize() {
        return kernel.pageSize();
    }

    /** The vCPU this process runs on. */
    public int vcpu() {
        return vcpu;
    }

    /** Its root page table. */
    public long rootGfn() {
        return space.rootGfn();
    }

    @Override
    public boolean isAlive() {
        return locked(() -> state == State.ALIVE);
    }

    /** Whether it died by a kill (rather than exiting). */
    public boolean wasKilled() {
        return locked(() -> killed);
    }

    /** Whether it is inside a system call now. */
    public boolean inSystemCall() {
        return locked(() -> syscallDepth > 0);
    }

    // ---- counts ----

    /** Frames this process holds: resident user pages, its page tables (root included), migration targets. */
    public long framesInUse() {
        return locked(space::framesInUse);
    }

    public int residentPages() {
        return locked(space::residentPages);
    }

    public int pageTableFrames() {
        return locked(space::tableFrames);
    }

    /** Pages mlocked now (what {@code RLIMIT_MEMLOCK} limits). */
    public int lockedPages() {
        return locked(space::lockedPages);
    }

    public int swappedPages() {
        return locked(space::swappedPages);
    }

    /** Pins held on this process's pages. */
    public int pins() {
        return locked(space::pins);
    }

    public int vmaCount() {
        return locked(space::vmaCount);
    }

    /** Clean-ups registered and not yet run. */
    public int pendingCleanups() {
        return cleanups.pending();
    }

    /** Clean-ups that threw at teardown (the others still ran). */
    public int cleanupFailures() {
        return cleanups.failures();
    }

    /** Whether the page holding {@code address} is mlocked. */
    public boolean isLocked(long address) {
        return locked(() -> space.isLocked(address));
    }

    /** The current page-table entry for user {@code address} (0 if its tables are missing). */
    public long pageTableEntry(long address) {
        return locked(() -> space.pageTableEntry(address));
    }

    private <T> T locked(Supplier<T> read) {
        synchronized (lock) {
            return read.get();
        }
    }

    // ---- system calls ----

    @Override
    public <T> T systemCall(String callName, Supplier<T> body) {
        requireNonNull(body, "body is null");
        enterSystemCall(callName);
        try {
            return body.get();
        } finally {
            returnToUser();
        }
    }

    private void enterSystemCall(String callName) {
        synchronized (lock) {
            if (state != State.ALIVE) {
                throw gone();
            }
            syscallDepth++;
        }
        kernel.metrics().increment(Counter.GUEST_SYSCALLS);
        kernel.trace().event(TraceKind.SYSCALL, kernel.domid(), () -> "pid " + pid + " " + callName);
        vcpus.switchTo(vcpu, space.rootGfn());
        kernel.scheduler().reached(SchedulingPoint.SYSCALL, kernel.domid());
    }

    private void returnToUser() {
        kernel.scheduler().reached(SchedulingPoint.RETURN_TO_USER, kernel.domid());
        boolean deliver;
        synchronized (lock) {
            syscallDepth--;
            deliver = syscallDepth == 0 && killPending && state == State.ALIVE;
        }
        if (deliver) {
            teardown(true);
            throw gone();
        }
    }

    private XenException gone() {
        return new XenException(XenErrno.ESRCH, "process " + pid + " of domain " + kernel.domid() + (killed ? " was killed" : " has exited"));
    }

    /** Runs a memory operation under the lock; an errno it fails with is counted as an error. */
    private <T> T counted(Supplier<T> operation) {
        synchronized (lock) {
            try {
                return operation.get();
            } catch (XenException e) {
                kernel.metrics().recordError(e.errno());
                throw e;
            }
        }
    }

    @Override
    public long mmapAnonymous(long length) {
        return systemCall("mmap", () -> counted(() -> space.mmap(length)));
    }

    @Override
    public void munmap(long address, long length) {
        systemCall("munmap", () -> {
            List<Runnable> closed = counted(() -> space.munmap(address, length));
            // Still inside the system call: a kill that arrived meanwhile is delivered at the
            // return to user, after the mapping's resources are released (as Linux closes a VMA
            // within munmap), so no kill point separates the two.
            cleanups.runAll(closed, "driver clean-up");
            return null;
        });
    }

    @Override
    public void mlock(long address, long length) {
        systemCall("mlock", () -> {
            kernel.metrics().increment(Counter.MLOCK_CALLS);
            return counted(() -> space.mlock(address, length));
        });
    }

    @Override
    public void munlock(long address, long length) {
        systemCall("munlock", () -> {
            kernel.metrics().increment(Counter.MUNLOCK_CALLS);
            return counted(() -> space.munlock(address, length));
        });
    }

    /** {@code exit_group}: the process ends and is torn down. */
    public void exit() {
        synchronized (lock) {
            if (state != State.ALIVE) {
                throw gone();
            }
            syscallDepth++;
        }
        kernel.metrics().increment(Counter.GUEST_SYSCALLS);
        kernel.trace().event(TraceKind.SYSCALL, kernel.domid(), () -> "pid " + pid + " exit_group");
        kernel.scheduler().reached(SchedulingPoint.SYSCALL, kernel.domid());
        synchronized (lock) {
            syscallDepth--;
        }
        teardown(false);
    }

    @Override
    public void kill() {
        synchronized (lock) {
            if (state != State.ALIVE) {
                return;
            }
            if (syscallDepth > 0) {
                killPending = true;
                kernel.trace().event(TraceKind.PROCESS, kernel.domid(), () -> "kill pid " + pid + " pending (in a system call)");
                return;
            }
        }
        teardown(true);
    }

    // ---- user-mode loads and stores ----

    @Override
    public void writeMemory(long address, byte[] src, int srcOffset, int length) {
        Objects.checkFromIndexSize(srcOffset, length, src.length);
        userAccess(address, length, true, src, srcOffset);
    }

    @Override
    public void readMemory(long address, byte[] dst, int dstOffset, int length) {
        Objects.checkFromIndexSize(dstOffset, length, dst.length);
        userAccess(address, length, false, dst, dstOffset);
    }

    private void userAccess(long address, int length, boolean write, byte[] buffer, int offset) {
        synchronized (lock) {
            if (state != State.ALIVE) {
                throw gone();
            }
        }
        if (length == 0) {
            return;
        }
        vcpus.switchTo(vcpu, space.rootGfn());
        synchronized (lock) {
            space.access(address, length, write, buffer, offset);
        }
    }

    // ---- kernel-mode helpers ----

    @Override
    public long[] pinUserPages(long address, int nrPages) {
        return notDead(() -> space.pin(address, nrPages));
    }

    @Override
    public void unpinUserPages(long[] gfns) {
        requireNonNull(gfns, "gfns is null");
        synchronized (lock) {
            space.unpin(gfns);
        }
    }

    @Override
    public long translate(long address) {
        return locked(() -> state == State.DEAD ? -1 : space.translate(address));
    }

    @Override
    public long mapKernelFrames(long[] gfns, Runnable onUnmap) {
        requireNonNull(gfns, "gfns is null");
        requireNonNull(onUnmap, "onUnmap is null");
        return notDead(() -> space.mapKernelFrames(gfns, onUnmap));
    }

    @Override
    public void copyFromUser(long userAddress, KernelBlock block, int blockOffset, int length) {
        requireNonNull(block, "block is null");
        notDead(() -> {
            space.kernelCopy(userAddress, block, blockOffset, length, false);
            return null;
        });
    }

    @Override
    public void copyToUser(KernelBlock block, int blockOffset, long userAddress, int length) {
        requireNonNull(block, "block is null");
        notDead(() -> {
            space.kernelCopy(userAddress, block, blockOffset, length, true);
            return null;
        });
    }

    /** A kernel-mode helper: ESRCH once the process is dead (it still works while it exits). */
    private <T> T notDead(Supplier<T> helper) {
        synchronized (lock) {
            if (state == State.DEAD) {
                throw gone();
            }
            return helper.get();
        }
    }

    @Override
    public void atExit(Runnable cleanup) {
        requireNonNull(cleanup, "cleanup is null");
        synchronized (lock) {
            if (state != State.DEAD) {
                cleanups.add(cleanup);
                return;
            }
        }
        // The process is gone: nothing else would ever run it.
        cleanups.runAll(List.of(cleanup), "clean-up");
    }

    @Override
    public void cancelAtExit(Runnable cleanup) {
        cleanups.cancel(cleanup);
    }

    // ---- teardown ----

    private void teardown(boolean byKill) {
        synchronized (lock) {
            if (state != State.ALIVE) {
                return;
            }
            state = State.EXITING;
            killed = byKill;
            space.retire();
        }
        kernel.trace().event(TraceKind.PROCESS, kernel.domid(), () -> (byKill ? "kill" : "exit") + " pid " + pid + " " + name);
        vcpus.switchAwayFrom(space.rootGfn());
        for (Runnable cleanup = cleanups.takeLast(); cleanup != null; cleanup = cleanups.takeLast()) {
            cleanups.runAll(List.of(cleanup), "clean-up");
        }
        // Exactly once (only the teardown that moved the process out of ALIVE gets here), after
        // the clean-ups and before the address space goes: the arch may still unpin pages and
        // issue hypercalls for the process, which runs no more user code.
        kernel.runRelease(xencomm::release, "arch state of pid " + pid);
        List<Runnable> closed;
        synchronized (lock) {
            closed = space.destroy();
            state = State.DEAD;
            reap.run();
        }
        cleanups.runAll(closed, "driver clean-up");
        kernel.processReaped();
    }

    @Override
    public String toString() {
        return "pid " + pid + " (" + name + ") of domain " + kernel.domid();
    }
}
