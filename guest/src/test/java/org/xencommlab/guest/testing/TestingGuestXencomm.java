package org.xencommlab.guest.testing;

import java.util.concurrent.atomic.AtomicInteger;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.kernel.KernelServices;
import org.xencommlab.api.kernel.UserProcessServices;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.xencomm.BufferSlice;
import org.xencommlab.api.xencomm.GuestXencomm;
import org.xencommlab.api.xencomm.HypercallBuffer;
import org.xencommlab.api.xencomm.HypercallBufferApi;
import org.xencommlab.api.xencomm.KernelXencomm;
import org.xencommlab.api.xencomm.ProcessXencomm;

/**
 * A pass-through guest half, x86-like: a reference is the user virtual address; a buffer is
 * anonymous memory, mlocked for its life when {@code lock} is set; the arguments pass unchanged.
 *
 * <p>It counts its life cycle (kernel and process states made and released) and refuses work on
 * a released state with ESRCH, so tests can check that the kernel attaches and releases each state
 * exactly once.
 */
public final class TestingGuestXencomm implements GuestXencomm {
    private final boolean lock;
    private final AtomicInteger kernelsAttached = new AtomicInteger();
    private final AtomicInteger kernelsReleased = new AtomicInteger();
    private final AtomicInteger processesAttached = new AtomicInteger();
    private final AtomicInteger processesReleased = new AtomicInteger();
    private volatile java.util.function.Consumer<KernelBlock> whileKeepingReachable = block -> {};

    public TestingGuestXencomm(boolean lock) {
        this.lock = lock;
    }

    @Override
    public KernelState attachKernel(KernelServices kernel) {
        kernelsAttached.incrementAndGet();
        return new KernelState();
    }

    /**
     * Runs {@code action} inside every {@code keepReachable} from now on: what a confidential VM's
     * conversion does at its scheduling points, where another call on the same vCPU may run.
     */
    public void whileKeepingReachable(java.util.function.Consumer<KernelBlock> action) {
        whileKeepingReachable = java.util.Objects.requireNonNull(action, "action is null");
    }

    public int kernelsAttached() {
        return kernelsAttached.get();
    }

    public int kernelsReleased() {
        return kernelsReleased.get();
    }

    public int processesAttached() {
        return processesAttached.get();
    }

    public int processesReleased() {
        return processesReleased.get();
    }

    /** The fake's kernel state: kernel references are direct-map addresses. */
    public final class KernelState implements KernelXencomm {
        private final AtomicInteger releases = new AtomicInteger();
        private final java.util.List<String> blockHooks = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

        /** Records the hook; the action it returns records the call's end. */
        @Override
        public Runnable beforeKernelHypercall(KernelBlock block) {
            blockHooks.add("before " + block.length());
            return () -> blockHooks.add("after " + block.length());
        }

        /** Runs the action set with {@link TestingGuestXencomm#whileKeepingReachable}; nothing else to do here. */
        @Override
        public void keepReachable(KernelBlock block) {
            whileKeepingReachable.accept(block);
        }

        @Override
        public void releaseKernelBlock(KernelBlock block) {
            blockHooks.add("release " + block.length());
        }

        /** The block hooks called so far, in order, each with the block's length. */
        public java.util.List<String> blockHooks() {
            return java.util.List.copyOf(blockHooks);
        }

        @Override
        public MemoryReference kernelReference(KernelBlock block, int offset, int length) {
            return new MemoryReference(block.kernelAddress() + offset);
        }

        @Override
        public ProcessState attachProcess(UserProcessServices process) {
            if (releases.get() > 0) {
                throw new XenException(XenErrno.ESRCH, "kernel state released");
            }
            processesAttached.incrementAndGet();
            return new ProcessState(process);
        }

        @Override
        public void release() {
            releases.incrementAndGet();
            kernelsReleased.incrementAndGet();
        }

        /** How often this state was released. */
        public int releases() {
            return releases.get();
        }
    }

    /** The fake's process state. */
    public final class ProcessState implements ProcessXencomm {
        private final UserProcessServices process;
        private final AtomicInteger releases = new AtomicInteger();

        ProcessState(UserProcessServices process) {
            this.process = process;
        }

        /** How often this state was released. */
        public int releases() {
            return releases.get();
        }

        @Override
        public void release() {
            releases.incrementAndGet();
            processesReleased.incrementAndGet();
        }

        @Override
        public HypercallBufferApi openUserBuffers() {
            if (releases.get() > 0) {
                throw new XenException(XenErrno.ESRCH, "process state released");
            }
            return new HypercallBufferApi() {
                private long nextId = 1;

                @Override
                public HypercallBuffer allocBuf(int nrPages) {
                    long length = (long) nrPages * process.pageSize().bytes();
                    long address = process.mmapAnonymous(length);
                    if (lock) {
                        try {
                            process.mlock(address, length);
                        } catch (XenException e) {
                            process.munmap(address, length);
                            throw e;
                        }
                    }
                    return new Buffer(nextId++, address, nrPages, length);
                }

                @Override
                public void freeBuf(HypercallBuffer buffer) {
                    if (lock) {
                        process.munlock(buffer.userAddress(), buffer.capacity());
                    }
                    process.munmap(buffer.userAddress(), buffer.capacity());
                }
            };
        }
    }

    private static final class Buffer implements HypercallBuffer {
        private final long id;
        private final long address;
        private final int nrPages;
        private final long capacity;
        private long used;

        Buffer(long id, long address, int nrPages, long capacity) {
            this.id = id;
            this.address = address;
            this.nrPages = nrPages;
            this.capacity = capacity;
        }

        @Override
        public long id() {
            return id;
        }

        @Override
        public int nrPages() {
            return nrPages;
        }

        @Override
        public long userAddress() {
            return address;
        }

        @Override
        public long capacity() {
            return capacity;
        }

        @Override
        public long remaining() {
            return capacity - used;
        }

        @Override
        public BufferSlice allocMem(int nbytes) {
            long aligned = (used + 7) & ~7L;
            if (nbytes < 0 || aligned + nbytes > capacity) {
                throw new XenException(XenErrno.ENOSPC, nbytes + " bytes do not fit");
            }
            used = aligned + nbytes;
            return new BufferSlice(address + aligned, nbytes, new MemoryReference(address + aligned));
        }

        @Override
        public void reset() {
            used = 0;
        }
    }
}
