package org.xencommlab.arch.cvm.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.kernel.UserProcessServices;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.xencomm.ProcessXencomm;
import org.xencommlab.arch.cvm.paging.CvmAddressSpace;

/**
 * A user process of a {@link TestingCvm}'s kernel: anonymous mappings faulted in on first touch
 * (each page a frame of the machine's private memory), kernel-frame mappings with an unmap hook,
 * system calls counted once, exit clean-ups run once at {@link #exit()}, then the backend's process
 * state released, then the address space torn down (as the guest kernel orders them). User
 * addresses start at {@code pid << 32}, far above the machine's guest-physical addresses, so a
 * guest-physical address a test passes as a user address names nothing. Thread-safe (one monitor).
 */
public final class TestingCvmProcess implements UserProcessServices {
    private final TestingCvm.Kernel kernel;
    private final int pid;
    private final PageSize pageSize = TestingCvm.PAGE;
    private final TreeMap<Long, Mapping> mappings = new TreeMap<>();
    private final List<Runnable> atExit = new ArrayList<>();
    private ProcessXencomm xencomm;
    private long nextAddress;
    private boolean alive = true;

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

    /** A process of {@code kernel}; {@code pid} at least 1. */
    public TestingCvmProcess(TestingCvm.Kernel kernel, int pid) {
        if (pid < 1) {
            throw new IllegalArgumentException("pid " + pid);
        }
        this.kernel = kernel;
        this.pid = pid;
        this.nextAddress = CvmAddressSpace.USER_START + ((long) pid << 32);
    }

    @Override
    public int pid() {
        return pid;
    }

    @Override
    public TestingCvm.Kernel kernel() {
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
    public void munmap(long address, long length) {
        Mapping mapping;
        synchronized (this) {
            mapping = mappings.get(address);
            if (mapping == null || mapping.length != pageSize.pagesFor(length) * pageSize.bytes()) {
                throw new XenException(XenErrno.EINVAL, "munmap of a range that is not one mapping");
            }
            mappings.remove(address);
        }
        unmapped(mapping);
    }

    @Override
    public void mlock(long address, long length) {
        throw new UnsupportedOperationException("cvm does not lock");
    }

    @Override
    public void munlock(long address, long length) {
        throw new UnsupportedOperationException("cvm does not lock");
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
    public long[] pinUserPages(long address, int nrPages) {
        throw new UnsupportedOperationException("cvm does not pin");
    }

    @Override
    public void unpinUserPages(long[] gfns) {
        throw new UnsupportedOperationException("cvm does not pin");
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
        kernel.write(block.physicalAddress() + blockOffset, bytes);
        kernel.metrics().add(Counter.KERNEL_COPY_BYTES, length);
    }

    @Override
    public void copyToUser(KernelBlock block, int blockOffset, long userAddress, int length) {
        byte[] bytes = kernel.read(block.physicalAddress() + blockOffset, length);
        writeMemory(userAddress, bytes, 0, length);
        kernel.metrics().add(Counter.KERNEL_COPY_BYTES, length);
    }

    /** The backend's state of this process: made by {@code make} once, as the kernel attaches it at start; released at exit. */
    public synchronized ProcessXencomm attachXencomm(Supplier<? extends ProcessXencomm> make) {
        if (xencomm == null) {
            xencomm = make.get();
        }
        return xencomm;
    }

    @Override
    public synchronized void atExit(Runnable cleanup) {
        checkAlive();
        atExit.add(cleanup);
    }

    /** Forgets {@code cleanup} (by identity), as the kernel does. */
    @Override
    public synchronized void cancelAtExit(Runnable cleanup) {
        atExit.removeIf(c -> c == cleanup);
    }

    /** One system call: counted once, the body run once; ESRCH for a dead process. */
    @Override
    public <T> T systemCall(String name, Supplier<T> body) {
        synchronized (this) {
            checkAlive();
        }
        kernel.metrics().increment(Counter.GUEST_SYSCALLS);
        return body.get();
    }

    /** Exit (or kill): runs the clean-ups, releases the backend's state, then tears the address space down. Once. */
    public void exit() {
        List<Runnable> hooks;
        ProcessXencomm state;
        synchronized (this) {
            if (!alive) {
                return;
            }
            alive = false;
            hooks = new ArrayList<>(atExit);
            atExit.clear();
            state = xencomm;
        }
        hooks.forEach(Runnable::run);
        if (state != null) {
            state.release();
        }
        List<Mapping> left;
        synchronized (this) {
            left = new ArrayList<>(mappings.values());
            mappings.clear();
        }
        left.forEach(this::unmapped);
    }

    /** Mappings the process still has. */
    public synchronized int mappingCount() {
        return mappings.size();
    }

    private void unmapped(Mapping mapping) {
        if (mapping.kernelFrames != null) {
            mapping.onUnmap.run();
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
            gfn = mapping.present.computeIfAbsent(page, p -> kernel.allocateUserFrame());
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
