package org.xencommlab.arch.ppc.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.kernel.UserProcessServices;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.arch.ppc.paging.PpcAddressSpace;

/**
 * A user process of a {@link TestingKernel}: anonymous mappings faulted in on first touch,
 * reference-counted frames (a pinned page outlives its mapping), kernel-frame mappings with an
 * unmap hook, exit clean-ups run at {@link #exit()}. Thread-safe (one monitor).
 */
public final class TestingProcess implements UserProcessServices {
    private final TestingKernel kernel;
    private final int pid;
    private final PageSize pageSize = PageSize.SIZE_4K;
    private final TreeMap<Long, Mapping> mappings = new TreeMap<>();
    private final List<Runnable> atExit = new ArrayList<>();
    private org.xencommlab.api.xencomm.ProcessXencomm xencomm;
    private long nextAddress;
    private boolean alive = true;
    private final List<String> systemCalls = new ArrayList<>();
    private int syscallDepth;
    private boolean killPending;

    private static final class Mapping {
        final long start;
        final long length;
        final long[] kernelFrames;
        final Runnable onUnmap;
        final Map<Long, Long> present = new TreeMap<>();

        Mapping(long start, long length, long[] kernelFrames, Runnable onUnmap) {
            this.start = start;
            this.length = length;
            this.kernelFrames = kernelFrames;
            this.onUnmap = onUnmap;
        }
    }

    TestingProcess(TestingKernel kernel, int pid) {
        this.kernel = kernel;
        this.pid = pid;
        this.nextAddress = PpcAddressSpace.USER_START + ((long) pid << 32);
    }

    @Override
    public int pid() {
        return pid;
    }

    @Override
    public TestingKernel kernel() {
        return kernel;
    }

    @Override
    public synchronized boolean isAlive() {
        return alive;
    }

    @Override
    public synchronized long mmapAnonymous(long length) {
        checkAlive();
        if (length <= 0) {
            throw new XenException(XenErrno.EINVAL, "mmap of " + length);
        }
        long rounded = pageSize.pagesFor(length) * pageSize.bytes();
        long start = nextAddress;
        nextAddress += rounded + pageSize.bytes();
        mappings.put(start, new Mapping(start, rounded, null, null));
        return start;
    }

    @Override
    public synchronized void munmap(long address, long length) {
        Mapping mapping = mappings.get(address);
        if (mapping == null || mapping.length != pageSize.pagesFor(length) * pageSize.bytes()) {
            throw new XenException(XenErrno.EINVAL, "munmap of a range that is not one mapping");
        }
        unmap(mapping);
    }

    @Override
    public void mlock(long address, long length) {
        throw new UnsupportedOperationException("ppc does not lock");
    }

    @Override
    public void munlock(long address, long length) {
        throw new UnsupportedOperationException("ppc does not lock");
    }

    @Override
    public synchronized void writeMemory(long address, byte[] src, int srcOffset, int length) {
        int done = 0;
        while (done < length) {
            int piece = Math.min(length - done, pageSize.bytesToPageEnd(address + done));
            kernel.physicalMemory().write(physical(address + done), src, srcOffset + done, piece);
            done += piece;
        }
    }

    @Override
    public synchronized void readMemory(long address, byte[] dst, int dstOffset, int length) {
        int done = 0;
        while (done < length) {
            int piece = Math.min(length - done, pageSize.bytesToPageEnd(address + done));
            kernel.physicalMemory().read(physical(address + done), dst, dstOffset + done, piece);
            done += piece;
        }
    }

    @Override
    public synchronized long[] pinUserPages(long address, int nrPages) {
        checkAlive();
        long[] gfns = new long[nrPages];
        for (int i = 0; i < nrPages; i++) {
            gfns[i] = pageSize.pageOf(physical(address + (long) i * pageSize.bytes()));
        }
        for (long gfn : gfns) {
            kernel.refUserFrame(gfn);
        }
        return gfns;
    }

    @Override
    public void unpinUserPages(long[] gfns) {
        for (long gfn : gfns) {
            kernel.unrefUserFrame(gfn);
        }
    }

    @Override
    public synchronized long translate(long address) {
        Mapping mapping = mappingOf(address);
        if (mapping == null) {
            return -1;
        }
        long page = pageSize.pageOf(address - mapping.start);
        Long gfn = mapping.kernelFrames != null ? Long.valueOf(mapping.kernelFrames[(int) page]) : mapping.present.get(page);
        return gfn == null ? -1 : pageSize.addressOf(gfn) + pageSize.offsetIn(address);
    }

    @Override
    public synchronized long mapKernelFrames(long[] gfns, Runnable onUnmap) {
        checkAlive();
        long length = (long) gfns.length * pageSize.bytes();
        long start = nextAddress;
        nextAddress += length + pageSize.bytes();
        mappings.put(start, new Mapping(start, length, gfns.clone(), onUnmap));
        return start;
    }

    @Override
    public void copyFromUser(long userAddress, KernelBlock block, int blockOffset, int length) {
        byte[] bytes = new byte[length];
        readMemory(userAddress, bytes, 0, length);
        writePhysical(block.physicalAddress() + blockOffset, bytes);
    }

    @Override
    public void copyToUser(KernelBlock block, int blockOffset, long userAddress, int length) {
        byte[] bytes = new byte[length];
        long physical = block.physicalAddress() + blockOffset;
        int done = 0;
        while (done < length) {
            int piece = Math.min(length - done, pageSize.bytesToPageEnd(physical + done));
            kernel.physicalMemory().read(physical + done, bytes, done, piece);
            done += piece;
        }
        writeMemory(userAddress, bytes, 0, length);
    }

    /**
     * The arch's state of this process: made by {@code make} at the first call, as a guest kernel
     * attaches it when the process starts, and released once at exit, after the clean-ups.
     */
    public synchronized org.xencommlab.api.xencomm.ProcessXencomm attachXencomm(
            java.util.function.Supplier<? extends org.xencommlab.api.xencomm.ProcessXencomm> make) {
        if (xencomm == null) {
            xencomm = make.get();
        }
        return xencomm;
    }

    @Override
    public synchronized void atExit(Runnable cleanup) {
        atExit.add(cleanup);
    }

    /** Forgets {@code cleanup} (by identity), as the kernel does. */
    @Override
    public synchronized void cancelAtExit(Runnable cleanup) {
        atExit.removeIf(c -> c == cleanup);
    }

    /**
     * One system call, as the guest kernel runs it: counted once, named in {@link #systemCalls()}, and a kill
     * that arrived meanwhile ({@link #killDuringNextSystemCall}) is delivered at the return to user
     * mode: the process exits and the caller sees ESRCH.
     */
    @Override
    public <T> T systemCall(String name, java.util.function.Supplier<T> body) {
        synchronized (this) {
            checkAlive();
            kernel.metrics().increment(Counter.GUEST_SYSCALLS);
            systemCalls.add(name);
            syscallDepth++;
        }
        T result;
        try {
            result = body.get();
        } finally {
            boolean deliver;
            synchronized (this) {
                syscallDepth--;
                deliver = syscallDepth == 0 && killPending;
                if (deliver) {
                    killPending = false;
                }
            }
            if (deliver) {
                exit();
            }
        }
        if (!isAlive()) {
            throw new XenException(XenErrno.ESRCH, "process " + pid + " was killed during " + name);
        }
        return result;
    }

    /** A kill that arrives while the next system call runs; delivered at its return to user mode. */
    public synchronized void killDuringNextSystemCall() {
        killPending = true;
    }

    /** Names of the calls made through {@link #systemCall}, in order. */
    public synchronized List<String> systemCalls() {
        return List.copyOf(systemCalls);
    }

    /** Exit (or kill): runs the clean-ups, then tears the address space down. */
    public void exit() {
        List<Runnable> hooks;
        org.xencommlab.api.xencomm.ProcessXencomm state;
        synchronized (this) {
            if (!alive) {
                return;
            }
            alive = false;
            hooks = new ArrayList<>(atExit);
            atExit.clear();
            state = xencomm;
        }
        for (Runnable hook : hooks) {
            hook.run();
        }
        if (state != null) {
            state.release();
        }
        synchronized (this) {
            for (Mapping mapping : new ArrayList<>(mappings.values())) {
                unmap(mapping);
            }
        }
    }

    public synchronized int mappingCount() {
        return mappings.size();
    }

    private void unmap(Mapping mapping) {
        mappings.remove(mapping.start);
        if (mapping.kernelFrames != null) {
            mapping.onUnmap.run();
            return;
        }
        for (long gfn : mapping.present.values()) {
            kernel.unrefUserFrame(gfn);
        }
        mapping.present.clear();
    }

    private void writePhysical(long physical, byte[] bytes) {
        int done = 0;
        while (done < bytes.length) {
            int piece = Math.min(bytes.length - done, pageSize.bytesToPageEnd(physical + done));
            kernel.physicalMemory().write(physical + done, bytes, done, piece);
            done += piece;
        }
    }

    // Faults the page in; EFAULT outside every mapping.
    private long physical(long address) {
        Mapping mapping = mappingOf(address);
        if (mapping == null) {
            throw new XenException(XenErrno.EFAULT, "pid " + pid + ": no mapping at 0x" + Long.toHexString(address));
        }
        long page = pageSize.pageOf(address - mapping.start);
        long gfn;
        if (mapping.kernelFrames != null) {
            gfn = mapping.kernelFrames[(int) page];
        } else {
            Long present = mapping.present.get(page);
            if (present == null) {
                present = kernel.allocateUserFrame();
                mapping.present.put(page, present);
            }
            gfn = present;
        }
        return pageSize.addressOf(gfn) + pageSize.offsetIn(address);
    }

    private Mapping mappingOf(long address) {
        Map.Entry<Long, Mapping> entry = mappings.floorEntry(address);
        if (entry == null || address - entry.getKey() >= entry.getValue().length) {
            return null;
        }
        return entry.getValue();
    }

    private void checkAlive() {
        if (!alive) {
            throw new XenException(XenErrno.ESRCH, "pid " + pid + " exited");
        }
    }
}
