package org.xencommlab.testkit.rig;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.kernel.UserProcessServices;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.xencomm.ProcessXencomm;

/**
 * A user process of a {@link KitKernel}, keeping the {@link UserProcessServices} contract a
 * backend leans on: anonymous mappings faulted in on first touch; {@code mlock} and
 * {@code munlock} (not reference counted, counted as Linux's calls are); pins that keep a frame
 * after its mapping went; kernel frames mapped with an unmap hook that runs once; one counted
 * guest system call per {@link #systemCall}; exit clean-ups run once, last registered first, then
 * the backend's state released, then the mappings torn down. Nothing is ever swapped or moved.
 * Thread-safe (one monitor, never held while a clean-up, an unmap hook or a system call's body runs).
 */
public class KitProcess implements UserProcessServices {
    private final KitKernel kernel;
    private final int pid;
    private final PageSize pageSize;
    private final TreeMap<Long, Mapping> mappings = new TreeMap<>();
    private final List<Runnable> atExit = new ArrayList<>();
    private final Set<Long> locked = new HashSet<>();
    private long nextAddress;
    private boolean alive = true;
    private ProcessXencomm xencomm;

    private static final class Mapping {
        final long start;
        final long length;
        final long[] kernelFrames; // null for anonymous memory
        final Runnable onUnmap;
        final Map<Long, Long> present = new TreeMap<>(); // page index -> gfn, anonymous only

        Mapping(long start, long length, long[] kernelFrames, Runnable onUnmap) {
            this.start = start;
            this.length = length;
            this.kernelFrames = kernelFrames;
            this.onUnmap = onUnmap;
        }
    }

    private final KitSystemCalls systemCalls = new KitSystemCalls(new KitSystemCalls.Process() {
        @Override
        public void enterSystemCall() {
            synchronized (KitProcess.this) {
                checkAlive();
                kernel.metrics().increment(Counter.GUEST_SYSCALLS);
            }
        }

        @Override
        public boolean isAlive() {
            return KitProcess.this.isAlive();
        }

        @Override
        public void exit() {
            KitProcess.this.exit();
        }

        @Override
        public int pid() {
            return KitProcess.this.pid();
        }
    });

    /** Process {@code pid} of {@code kernel}; a kernel makes it in {@link KitKernel#newProcess}. */
    protected KitProcess(KitKernel kernel, int pid) {
        this.kernel = kernel;
        this.pid = pid;
        this.pageSize = kernel.pageSize();
        this.nextAddress = kernel.layout().userStart() + ((long) pid << 32);
    }

    synchronized void attach(ProcessXencomm state) {
        this.xencomm = state;
    }

    /**
     * The backend's state of this process: made by {@code make} at the first call, as a guest kernel
     * attaches it when the process starts, and released once at exit, after the clean-ups.
     */
    public synchronized ProcessXencomm attachXencomm(Supplier<? extends ProcessXencomm> make) {
        if (xencomm == null) {
            xencomm = make.get();
        }
        return xencomm;
    }

    /** Mappings this process holds now. */
    public synchronized int mappingCount() {
        return mappings.size();
    }

    @Override
    public int pid() {
        return pid;
    }

    @Override
    public KitKernel kernel() {
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
            throw new XenException(XenErrno.EINVAL, "mmap of " + length + " bytes");
        }
        long rounded = pageSize.pagesFor(length) * pageSize.bytes();
        long start = nextAddress;
        nextAddress += rounded + pageSize.bytes(); // a guard page between mappings
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
        }
        unmap(mapping);
    }

    @Override
    public synchronized void mlock(long address, long length) {
        checkAlive();
        kernel.metrics().increment(Counter.MLOCK_CALLS);
        long first = pageSize.pageOf(address);
        long pages = pageSize.pagesSpanned(address, length);
        for (long page = first; page < first + pages; page++) {
            physical(pageSize.addressOf(page)); // fault it in; EFAULT outside every mapping
            locked.add(page);
        }
        kernel.metrics().add(Counter.MLOCKED_PAGES, pages);
    }

    @Override
    public synchronized void munlock(long address, long length) {
        kernel.metrics().increment(Counter.MUNLOCK_CALLS);
        long first = pageSize.pageOf(address);
        long pages = pageSize.pagesSpanned(address, length);
        for (long page = first; page < first + pages; page++) {
            locked.remove(page);
        }
        kernel.metrics().add(Counter.MUNLOCKED_PAGES, pages);
    }

    /** Pages of this process locked now. */
    public synchronized int lockedPages() {
        return locked.size();
    }

    @Override
    public synchronized void writeMemory(long address, byte[] src, int srcOffset, int length) {
        for (int done = 0; done < length; ) {
            int piece = Math.min(length - done, pageSize.bytesToPageEnd(address + done));
            kernel.physicalMemory().write(physical(address + done), src, srcOffset + done, piece);
            done += piece;
        }
    }

    @Override
    public synchronized void readMemory(long address, byte[] dst, int dstOffset, int length) {
        for (int done = 0; done < length; ) {
            int piece = Math.min(length - done, pageSize.bytesToPageEnd(address + done));
            kernel.physicalMemory().read(physical(address + done), dst, dstOffset + done, piece);
            done += piece;
        }
    }

    @Override
    public synchronized long[] pinUserPages(long address, int nrPages) {
        checkAlive();
        if (pageSize.offsetIn(address) != 0 || nrPages <= 0) {
            throw new XenException(XenErrno.EINVAL, "pin of " + nrPages + " pages at 0x" + Long.toHexString(address));
        }
        long[] gfns = new long[nrPages];
        for (int i = 0; i < nrPages; i++) {
            gfns[i] = pageSize.pageOf(physical(address + (long) i * pageSize.bytes()));
            if (!kernel.physicalMemory().isRam(gfns[i])) {
                // get_user_pages on a mapping of a frame that is no page of RAM (VM_PFNMAP) fails
                throw new XenException(XenErrno.EFAULT, "pin of 0x" + Long.toHexString(address + (long) i * pageSize.bytes())
                        + ", a mapping of frame 0x" + Long.toHexString(gfns[i]) + ", which is not RAM");
            }
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
        checkInside(block, blockOffset, length);
        byte[] bytes = new byte[length];
        readMemory(userAddress, bytes, 0, length);
        physicalCopy(block.physicalAddress() + blockOffset, bytes, true);
        kernel.metrics().add(Counter.KERNEL_COPY_BYTES, length);
    }

    @Override
    public void copyToUser(KernelBlock block, int blockOffset, long userAddress, int length) {
        checkInside(block, blockOffset, length);
        byte[] bytes = new byte[length];
        physicalCopy(block.physicalAddress() + blockOffset, bytes, false);
        writeMemory(userAddress, bytes, 0, length);
        kernel.metrics().add(Counter.KERNEL_COPY_BYTES, length);
    }

    @Override
    public synchronized void atExit(Runnable cleanup) {
        checkAlive();
        atExit.add(cleanup);
    }

    @Override
    public synchronized void cancelAtExit(Runnable cleanup) {
        atExit.removeIf(c -> c == cleanup);
    }

    /**
     * One guest system call, as a guest kernel runs it: refused with ESRCH once the process is gone,
     * counted once, named in {@link #systemCalls()}; a kill that arrived meanwhile
     * ({@link #killDuringNextSystemCall}) is delivered at the return to user mode: the process
     * exits and the caller sees ESRCH.
     */
    @Override
    public <T> T systemCall(String name, Supplier<T> body) {
        return systemCalls.call(name, body);
    }

    /** A kill that arrives while the next system call runs; delivered at its return to user mode. */
    public void killDuringNextSystemCall() {
        systemCalls.killDuringNextCall();
    }

    /** Names of the calls made through {@link #systemCall}, in order. */
    public List<String> systemCalls() {
        return systemCalls.names();
    }

    /**
     * Exit (or kill): the clean-ups run, last registered first, each once; then the backend's state
     * of the process is released; then every mapping goes (unmap hooks run, frames are freed unless
     * pinned). A second call does nothing.
     */
    public void exit() {
        List<Runnable> cleanups;
        ProcessXencomm state;
        synchronized (this) {
            if (!alive) {
                return;
            }
            alive = false;
            cleanups = new ArrayList<>(atExit);
            atExit.clear();
            state = xencomm;
        }
        for (int i = cleanups.size() - 1; i >= 0; i--) {
            cleanups.get(i).run();
        }
        if (state != null) {
            state.release();
        }
        List<Mapping> left;
        synchronized (this) {
            left = new ArrayList<>(mappings.values());
            locked.clear();
        }
        left.forEach(this::unmap);
    }

    private void unmap(Mapping mapping) {
        List<Long> frames;
        synchronized (this) {
            if (mappings.remove(mapping.start) == null) {
                return;
            }
            long first = pageSize.pageOf(mapping.start);
            for (long page = first; page < first + mapping.length / pageSize.bytes(); page++) {
                locked.remove(page);
            }
            frames = new ArrayList<>(mapping.present.values());
            mapping.present.clear();
        }
        if (mapping.kernelFrames != null) {
            mapping.onUnmap.run();
        }
        frames.forEach(kernel::unrefUserFrame);
    }

    private void physicalCopy(long physical, byte[] bytes, boolean write) {
        for (int done = 0; done < bytes.length; ) {
            int piece = Math.min(bytes.length - done, pageSize.bytesToPageEnd(physical + done));
            if (write) {
                kernel.physicalMemory().write(physical + done, bytes, done, piece);
            } else {
                kernel.physicalMemory().read(physical + done, bytes, done, piece);
            }
            done += piece;
        }
    }

    private static void checkInside(KernelBlock block, int offset, int length) {
        if (offset < 0 || length < 0 || offset > block.length() - length) {
            throw new XenException(XenErrno.EFAULT, length + " bytes at " + offset + " outside a kernel block of " + block.length());
        }
    }

    // The guest-physical address of user address, faulting an anonymous page in; EFAULT outside every mapping.
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
        if (entry == null || address - entry.getKey() >= entry.getValue().length || address < entry.getKey()) {
            return null;
        }
        return entry.getValue();
    }

    private void checkAlive() {
        if (!alive) {
            throw new XenException(XenErrno.ESRCH, "pid " + pid + " has exited");
        }
    }
}
