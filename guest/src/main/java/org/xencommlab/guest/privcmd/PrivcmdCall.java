package org.xencommlab.guest.privcmd;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.xencommlab.api.abi.UserCallKernel;
import org.xencommlab.api.abi.VcpuArgumentPages;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.trace.TraceKind;
import org.xencommlab.api.xencomm.KernelXencomm;
import org.xencommlab.guest.abi.KernelBytes;
import org.xencommlab.guest.kernel.GuestKernel;
import org.xencommlab.guest.kernel.GuestProcess;
import org.xencommlab.guest.kernel.KernelVcpuPages;

/**
 * What privcmd offers the run's strategy during one user hypercall ({@link UserCallKernel}): reads
 * of the caller's memory, and copies of it into {@code kmalloc}'d kernel blocks named by the arch's
 * native kernel references. The driver frees every block with {@link #freeAll} once the call is
 * over, whatever happened. It also lends the process's vCPU's argument pages
 * ({@link VcpuArgumentPages.Holder}), whose leases copy from and to the process's memory and are
 * given back by {@link #freeAll} at the latest. One per call; not thread-safe.
 */
final class PrivcmdCall implements UserCallKernel, VcpuArgumentPages.Holder {
    /** The largest copy a strategy may ask for (1 MiB), as a driver bounds what a user makes it kmalloc. */
    static final int MAX_COPY = 1 << 20;

    private final Privcmd driver;
    private final GuestProcess process;
    private final Deque<KernelBlock> blocks = new ArrayDeque<>();
    private final List<VcpuArgumentPages.Lease> leases = new ArrayList<>();

    PrivcmdCall(Privcmd driver, GuestProcess process) {
        this.driver = driver;
        this.process = process;
    }

    @Override
    public void readUser(long userAddress, byte[] dst, int dstOffset, int length) {
        Objects.checkFromIndexSize(dstOffset, length, dst.length);
        process.readMemory(userAddress, dst, dstOffset, length);
    }

    @Override
    public KernelCopy copyFromUser(long userAddress, int length) {
        if (length <= 0) {
            throw new IllegalArgumentException("a copy of " + length + " bytes");
        }
        if (length > MAX_COPY) {
            throw new XenException(XenErrno.E2BIG, "a copy of " + length + " bytes of user memory, at most " + MAX_COPY);
        }
        GuestKernel kernel = process.kernel();
        KernelBlock block = kernel.kmalloc(length);
        try {
            process.copyFromUser(userAddress, block, 0, length);
        } catch (RuntimeException e) {
            kernel.kfree(block);
            throw e;
        }
        blocks.push(block);
        driver.trace().event(TraceKind.SYSCALL, kernel.domid(), () -> "pid " + process.pid() + " privcmd copied "
                + length + " bytes of the tool's arguments into kernel memory");
        return new Copy(block, userAddress, length);
    }

    /**
     * Issues the hypercall with this call's blocks handed to the hypervisor: the arch's guest half
     * sees each block just before and just after ({@code KernelXencomm.beforeKernelHypercall}).
     */
    long issue(LongSupplier hypercall) {
        KernelXencomm xencomm = process.kernel().xencomm();
        Deque<Runnable> afters = new ArrayDeque<>();
        try {
            for (KernelBlock block : blocks) {
                afters.push(xencomm.beforeKernelHypercall(block));
            }
            return hypercall.getAsLong();
        } finally {
            while (!afters.isEmpty()) {
                afters.pop().run();
            }
        }
    }

    @Override
    public Optional<VcpuArgumentPages> vcpuArgumentPages() {
        VcpuArgumentPages pages = process.kernel().vcpuPages().forVcpu(process.vcpu(), new KernelVcpuPages.UserCopies() {
            @Override
            public void copyFromUser(long userAddress, KernelBlock block, int blockOffset, int length) {
                process.copyFromUser(userAddress, block, blockOffset, length);
            }

            @Override
            public void copyToUser(KernelBlock block, int blockOffset, long userAddress, int length) {
                process.copyToUser(block, blockOffset, userAddress, length);
            }
        });
        return Optional.of(new VcpuArgumentPages() {
            @Override
            public int pageBytes() {
                return pages.pageBytes();
            }

            @Override
            public int vcpu() {
                return pages.vcpu();
            }

            @Override
            public Lease acquire(Counter waits) {
                Lease lease = pages.acquire(waits);
                leases.add(lease);
                return lease;
            }
        });
    }

    /**
     * Gives back the vCPU pages this call took, then gives the arch what it took for each block
     * this call made and {@code kfree}s it, newest first.
     */
    void freeAll() {
        for (VcpuArgumentPages.Lease lease : leases) {
            lease.close();
        }
        leases.clear();
        GuestKernel kernel = process.kernel();
        while (!blocks.isEmpty()) {
            KernelBlock block = blocks.pop();
            kernel.xencomm().releaseKernelBlock(block);
            kernel.kfree(block);
        }
    }

    private final class Copy implements KernelCopy {
        private final KernelBlock block;
        private final long userAddress;
        private final int length;

        Copy(KernelBlock block, long userAddress, int length) {
            this.block = block;
            this.userAddress = userAddress;
            this.length = length;
        }

        @Override
        public long userAddress() {
            return userAddress;
        }

        @Override
        public void copyToUser() {
            process.copyToUser(block, 0, userAddress, length);
        }

        @Override
        public MemoryReference reference() {
            return referenceAt(0);
        }

        @Override
        public MemoryReference referenceAt(int offset) {
            Objects.checkIndex(offset, length);
            return process.kernel().xencomm().kernelReference(block, offset, length - offset);
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public void write(int offset, byte[] src, int srcOffset, int n) {
            Objects.checkFromIndexSize(offset, n, length);
            KernelBytes.write(process.kernel(), block, offset, src, srcOffset, n);
        }

        @Override
        public void read(int offset, byte[] dst, int dstOffset, int n) {
            Objects.checkFromIndexSize(offset, n, length);
            KernelBytes.read(process.kernel(), block, offset, dst, dstOffset, n);
        }
    }
}
