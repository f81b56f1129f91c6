package org.xencommlab.api.kernel;

import org.xencommlab.api.memory.PageSize;

/**
 * One user process as the guest half of an arch backend sees it: the system calls a user-space
 * library makes, and the kernel-mode helpers a driver (privcmd) uses on the process's behalf.
 * The guest module implements it, one instance per process.
 *
 * <p>An implementation must guarantee Linux's semantics where the method is named after a Linux
 * call: {@code mlock} is not reference counted ({@code munlock} of a page unlocks it whoever
 * locked it); the locked-memory limit is enforced (ENOMEM beyond it); unlocked user pages may be
 * swapped out at any scheduling point and brought back on the next touch; locked pages are not
 * swapped but may be migrated by compaction; pinned pages and kernel pages mapped into the process
 * are never swapped or migrated. Each system call counts as one guest system call. Errors are
 * {@link org.xencommlab.api.errno.XenException}s carrying Linux's errno.
 */
public interface UserProcessServices {
    int pid();

    /** The kernel this process runs on. */
    KernelServices kernel();

    default PageSize pageSize() {
        return kernel().pageSize();
    }

    /** Whether the process is still alive (not exited, not killed). */
    boolean isAlive();

    // ---- system calls (user mode) ----

    /** {@code mmap(NULL, length, RW, MAP_PRIVATE|MAP_ANONYMOUS)}: a page-aligned user address. */
    long mmapAnonymous(long length);

    /** {@code munmap}: unmaps whole pages; unlocks and frees them. */
    void munmap(long address, long length);

    /** {@code mlock}: locks the pages the range touches. */
    void mlock(long address, long length);

    /** {@code munlock}: unlocks the pages the range touches. */
    void munlock(long address, long length);

    /** A user-mode store: faults pages in as needed. */
    void writeMemory(long address, byte[] src, int srcOffset, int length);

    /** A user-mode load: faults pages in as needed. */
    void readMemory(long address, byte[] dst, int dstOffset, int length);

    // ---- kernel-mode helpers, for a driver acting for this process ----

    /**
     * {@code get_user_pages}: faults in the {@code nrPages} pages from page-aligned
     * {@code address}, takes a pin on each (a pinned page is never swapped or migrated) and returns
     * their guest frame numbers in order.
     */
    long[] pinUserPages(long address, int nrPages);

    /** Drops pins taken by {@link #pinUserPages}. */
    void unpinUserPages(long[] gfns);

    /**
     * The guest-physical address that user {@code address} maps to now, or -1 if it is not
     * present (as a kernel page walk would find it; nothing is faulted in).
     */
    long translate(long address);

    /**
     * Maps kernel frames into this process with a shared mapping (a driver's {@code mmap}); the
     * pages are never swapped or migrated. When the mapping is unmapped, or the process exits,
     * {@code onUnmap} runs once.
     *
     * @return the user address of the mapping
     */
    long mapKernelFrames(long[] gfns, Runnable onUnmap);

    /** Copies from user memory into kernel memory ({@code copy_from_user}). */
    void copyFromUser(long userAddress, KernelBlock block, int blockOffset, int length);

    /** Copies kernel memory to user memory ({@code copy_to_user}). */
    void copyToUser(KernelBlock block, int blockOffset, long userAddress, int length);

    /**
     * Registers a clean-up the kernel runs when the process exits or is killed (last registered
     * first, each once), before it releases the arch's state of the process
     * ({@link org.xencommlab.api.xencomm.ProcessXencomm#release}).
     */
    void atExit(Runnable cleanup);

    /**
     * Forgets a clean-up registered with {@link #atExit} (matched by identity), once the resource
     * it guards was released the normal way, so that a long-lived process does not accumulate
     * clean-ups: a forgotten clean-up does not run at exit. Does nothing if {@code cleanup} is not
     * registered. A clean-up must still be safe to run after its resource was released (a race
     * with exit may run it).
     *
     * <p>The default does nothing, which quietly drops this contract (a process that allocates and
     * frees buffers in a loop would keep every clean-up until it exits): every implementation, the
     * guest kernel's and every fake a backend is tested against, must override it. The test kit's
     * {@code UserProcessContract} checks it.
     */
    default void cancelAtExit(Runnable cleanup) {}

    /**
     * Runs {@code body} as one system call of this process (a driver's ioctl that an arch's
     * user-space code makes: a registration, a device mmap). An implementation counts one guest
     * system call, reaches the {@code SYSCALL} scheduling point before {@code body} and
     * {@code RETURN_TO_USER} after it, and delivers a kill that arrived meanwhile at the return to
     * user mode, as Linux does (the caller then sees the process gone).
     *
     * <p>The default just runs {@code body}, which quietly drops this contract (no system call
     * counted, no kill delivered): every implementation, the guest kernel's and every fake a
     * backend is tested against, must override it. The test kit's {@code UserProcessContract}
     * checks the count.
     *
     * @param name the call's name, for traces
     */
    default <T> T systemCall(String name, java.util.function.Supplier<T> body) {
        return body.get();
    }
}
