package org.xencommlab.guest.kernel;

import static java.util.Objects.requireNonNull;

import java.util.Objects;
import java.util.function.Supplier;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.kernel.UserProcessServices;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.xencomm.KernelXencomm;
import org.xencommlab.api.xencomm.ProcessXencomm;
import org.xencommlab.guest.sched.Killable;

/**
 * A user process of a {@link GuestKernel}, started with {@link GuestKernel#startProcess}: a
 * façade over its parts, each of which owns its state and documents its locking. Its
 * {@link AddressSpace} holds its memory (VMAs, pages and their entries in guest memory, demand
 * paging, mlock, pins, driver mappings); its {@link ProcessControl} its entries into the kernel
 * and its end (system calls, kill delivery at the return to user mode, exit, the {@link #atExit}
 * clean-ups, the teardown and the release of {@link #xencomm()}), over its {@link ProcessLife}.
 *
 * <p>Linux semantics throughout: anonymous memory is demand-paged; user loads and stores walk the
 * process's page tables in guest memory as the MMU does and fault on a missing entry; {@code mlock}
 * is a per-page flag limited by {@code RLIMIT_MEMLOCK}
 * ({@link org.xencommlab.guest.GuestConfig#mlockLimitPages()}); invalid arguments get the errno
 * Linux gives and change nothing, and an errno a memory system call fails with is counted. A kill is
 * delivered at the next return to user mode when the process is inside a system call, immediately
 * otherwise; {@code munmap} runs the clean-up of a driver mapping it closes before that return, so
 * no kill separates a mapping's removal from the release of its resources. A system call on a
 * process that is no longer alive fails with ESRCH; a kernel-mode helper still works while it exits.
 *
 * <p>Locking: it keeps no mutable state of its own. A memory operation runs under the kernel's
 * memory lock ({@link AddressSpace#lock()}), taken here or through {@link ProcessLife}'s checks;
 * the lock is never held while a scheduling point is reached, a vCPU switched or a clean-up run.
 */
public final class GuestProcess implements UserProcessServices, Killable {
    private final GuestKernel kernel;
    private final int pid;
    private final String name;
    private final int vcpu;
    private final AddressSpace space;
    private final Object lock;
    private final VcpuRoots vcpus;
    private final ProcessLife life;
    private final ProcessXencomm xencomm;
    private final ProcessControl control;

    /**
     * Called by the kernel under its memory lock, which the arch's {@code attachProcess} runs under
     * (it only makes the object).
     *
     * @param table the kernel's process table, which the process leaves when it is torn down
     * @param kernelXencomm the kernel's arch state, which makes this process's
     */
    GuestProcess(GuestKernel kernel, String name, int vcpu, AddressSpace space, VcpuRoots vcpus,
            ProcessTable<GuestProcess> table, KernelXencomm kernelXencomm) {
        this.kernel = kernel;
        this.pid = space.pid();
        this.name = name;
        this.vcpu = vcpu;
        this.space = space;
        this.lock = space.lock();
        this.vcpus = vcpus;
        this.life = new ProcessLife(lock, kernel.domid(), pid);
        // The arch may keep this process but calls none of it while it attaches.
        this.xencomm = requireNonNull(kernelXencomm.attachProcess(this), "the arch's guest half made no process state");
        this.control = new ProcessControl(kernel.domid(), name, vcpu, life, space, vcpus, table, kernel.scheduler(),
                kernel.metrics(), kernel.trace(), xencomm);
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
        return life.isAlive();
    }

    /** Whether it died by a kill (rather than exiting). */
    public boolean wasKilled() {
        return life.wasKilled();
    }

    /** Whether it is inside a system call now. */
    public boolean inSystemCall() {
        return life.inSystemCall();
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
        return control.pendingCleanups();
    }

    /** Clean-ups that threw at teardown (the others still ran). */
    public int cleanupFailures() {
        return control.cleanupFailures();
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
        return control.systemCall(callName, body);
    }

    @Override
    public long mmapAnonymous(long length) {
        return control.mmap(length);
    }

    @Override
    public void munmap(long address, long length) {
        control.munmap(address, length);
    }

    @Override
    public void mlock(long address, long length) {
        control.mlock(address, length);
    }

    @Override
    public void munlock(long address, long length) {
        control.munlock(address, length);
    }

    /** {@code exit_group}: the process ends and is torn down. */
    public void exit() {
        control.exit();
    }

    @Override
    public void kill() {
        control.kill();
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
        life.checkAlive();
        if (length == 0) {
            return;
        }
        vcpus.switchTo(vcpu, space.rootGfn());
        synchronized (lock) {
            space.access(address, length, write, buffer, offset);
        }
    }

    // ---- kernel-mode helpers (they still work while the process exits) ----

    @Override
    public long[] pinUserPages(long address, int nrPages) {
        return life.whileNotDead(() -> space.pin(address, nrPages));
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
        return life.unlessDead(() -> space.translate(address), -1L);
    }

    @Override
    public long mapKernelFrames(long[] gfns, Runnable onUnmap) {
        requireNonNull(gfns, "gfns is null");
        requireNonNull(onUnmap, "onUnmap is null");
        return life.whileNotDead(() -> space.mapKernelFrames(gfns, onUnmap));
    }

    @Override
    public void copyFromUser(long userAddress, KernelBlock block, int blockOffset, int length) {
        requireNonNull(block, "block is null");
        life.whileNotDead(() -> space.kernelCopy(userAddress, block, blockOffset, length, false));
    }

    @Override
    public void copyToUser(KernelBlock block, int blockOffset, long userAddress, int length) {
        requireNonNull(block, "block is null");
        life.whileNotDead(() -> space.kernelCopy(userAddress, block, blockOffset, length, true));
    }

    @Override
    public void atExit(Runnable cleanup) {
        control.atExit(cleanup);
    }

    @Override
    public void cancelAtExit(Runnable cleanup) {
        control.cancelAtExit(cleanup);
    }

    @Override
    public String toString() {
        return "pid " + pid + " (" + name + ") of domain " + kernel.domid();
    }
}
