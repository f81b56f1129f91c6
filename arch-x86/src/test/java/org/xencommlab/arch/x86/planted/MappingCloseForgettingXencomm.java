package org.xencommlab.arch.x86.planted;

import static java.util.Objects.requireNonNull;

import java.util.function.Supplier;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.kernel.KernelServices;
import org.xencommlab.api.kernel.UserProcessServices;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.xencomm.GuestXencomm;
import org.xencommlab.api.xencomm.KernelXencomm;
import org.xencommlab.api.xencomm.ProcessXencomm;
import org.xencommlab.arch.x86.guest.PrivcmdBufFile;
import org.xencommlab.arch.x86.guest.X86BufferConfig;
import org.xencommlab.arch.x86.guest.X86GuestXencomm;

/**
 * A PLANTED DEFECT, for tests only (never listed in {@code META-INF/services}): the real x86 guest
 * half ({@link X86GuestXencomm}) with one clean-up forgotten. Its hypercall device
 * ({@link PrivcmdBufFile}, {@code buffers=device}) maps the kernel pages behind a buffer into the
 * tool without the mapping's close hook, as a driver whose {@code vm_operations_struct} has no
 * {@code close}: when the mapping goes (the tool's {@code munmap}, or its exit or kill) the kernel
 * unmaps the pages but nobody gives them back. Each device buffer leaks its kernel pages and stays
 * in the {@code deviceBytesReserved}/{@code deviceBytesUsed} gauges forever.
 *
 * <p>The defect sits where the backend hands its mapping to the kernel
 * ({@link UserProcessServices#mapKernelFrames}): the process each of its states works on is the
 * real one, except that the close hook it passes there is dropped. Everything else, and every
 * other buffer source, is the real backend. The kit's {@code ArchContract} catches it
 * ({@code aToolsBuffersGiveBackEverythingTheyHeldWhenFreedAndAtExit}).
 */
public final class MappingCloseForgettingXencomm implements GuestXencomm {
    private final X86GuestXencomm real;

    public MappingCloseForgettingXencomm(X86BufferConfig config) {
        this.real = new X86GuestXencomm(config);
    }

    @Override
    public KernelXencomm attachKernel(KernelServices kernel) {
        KernelXencomm state = real.attachKernel(kernel);
        return new KernelXencomm() {
            @Override
            public MemoryReference kernelReference(KernelBlock block, int offset, int length) {
                return state.kernelReference(block, offset, length);
            }

            @Override
            public int kernelBlocksHeld() {
                return state.kernelBlocksHeld();
            }

            @Override
            public void keepReachable(KernelBlock block) {
                state.keepReachable(block);
            }

            @Override
            public Runnable beforeKernelHypercall(KernelBlock block) {
                return state.beforeKernelHypercall(block);
            }

            @Override
            public void releaseKernelBlock(KernelBlock block) {
                state.releaseKernelBlock(block);
            }

            @Override
            public ProcessXencomm attachProcess(UserProcessServices process) {
                return state.attachProcess(new CloseDroppingProcess(requireNonNull(process, "process is null")));
            }

            @Override
            public void release() {
                state.release();
            }
        };
    }

    @Override
    public String toString() {
        return "x86 guest xencomm whose device mappings have no close hook (planted defect) " + real.config();
    }

    /** The process as the backend sees it: the real one, except that a mapping's close hook is dropped. */
    private static final class CloseDroppingProcess implements UserProcessServices {
        private final UserProcessServices process;

        CloseDroppingProcess(UserProcessServices process) {
            this.process = process;
        }

        @Override
        public long mapKernelFrames(long[] gfns, Runnable onUnmap) {
            return process.mapKernelFrames(gfns, () -> {}); // the forgotten clean-up: onUnmap never runs
        }

        @Override
        public int pid() {
            return process.pid();
        }

        @Override
        public KernelServices kernel() {
            return process.kernel();
        }

        @Override
        public PageSize pageSize() {
            return process.pageSize();
        }

        @Override
        public boolean isAlive() {
            return process.isAlive();
        }

        @Override
        public long mmapAnonymous(long length) {
            return process.mmapAnonymous(length);
        }

        @Override
        public void munmap(long address, long length) {
            process.munmap(address, length);
        }

        @Override
        public void mlock(long address, long length) {
            process.mlock(address, length);
        }

        @Override
        public void munlock(long address, long length) {
            process.munlock(address, length);
        }

        @Override
        public void writeMemory(long address, byte[] src, int srcOffset, int length) {
            process.writeMemory(address, src, srcOffset, length);
        }

        @Override
        public void readMemory(long address, byte[] dst, int dstOffset, int length) {
            process.readMemory(address, dst, dstOffset, length);
        }

        @Override
        public long[] pinUserPages(long address, int nrPages) {
            return process.pinUserPages(address, nrPages);
        }

        @Override
        public void unpinUserPages(long[] gfns) {
            process.unpinUserPages(gfns);
        }

        @Override
        public long translate(long address) {
            return process.translate(address);
        }

        @Override
        public void copyFromUser(long userAddress, KernelBlock block, int blockOffset, int length) {
            process.copyFromUser(userAddress, block, blockOffset, length);
        }

        @Override
        public void copyToUser(KernelBlock block, int blockOffset, long userAddress, int length) {
            process.copyToUser(block, blockOffset, userAddress, length);
        }

        @Override
        public void atExit(Runnable cleanup) {
            process.atExit(cleanup);
        }

        @Override
        public void cancelAtExit(Runnable cleanup) {
            process.cancelAtExit(cleanup);
        }

        @Override
        public <T> T systemCall(String name, Supplier<T> body) {
            return process.systemCall(name, body);
        }
    }
}
