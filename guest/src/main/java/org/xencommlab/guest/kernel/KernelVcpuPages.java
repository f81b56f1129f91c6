package org.xencommlab.guest.kernel;

import static java.util.Objects.requireNonNull;

import java.util.Objects;
import java.util.function.Supplier;
import org.xencommlab.api.abi.ArgumentPlacement.Placed;
import org.xencommlab.api.abi.VcpuArgumentPages;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.kernel.KernelServices;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.xencomm.KernelXencomm;
import org.xencommlab.guest.abi.KernelBytes;

/**
 * A kernel's per-vCPU argument pages ({@link VcpuArgumentPages}): for each vCPU a primary pair and
 * one backup pair, each an input page and the output page after it in one two-page contiguous
 * kernel block, allocated the first time the vCPU needs it (Linux's Hyper-V code allocates its
 * per-CPU hypercall pages when a CPU comes online) and kept for the kernel's life, like every
 * other kernel allocation at shutdown. A strategy that never asks allocates nothing.
 *
 * <p>Busy discipline: a pair is held from {@code acquire} to the lease's close. A caller on another
 * thread waits on this object's monitor; a caller on the holder's own thread (a kernel call made
 * at a scheduling point inside the holder's call, as an interrupt would) cannot wait for itself,
 * so it takes the backup pair; with both held it gets EBUSY. Each wait is counted on the caller's
 * counter. Thread-safe.
 */
public final class KernelVcpuPages {
    private final KernelServices kernel;
    private final Supplier<KernelXencomm> xencomm;
    private final Pair[][] pairs;

    KernelVcpuPages(KernelServices kernel, Supplier<KernelXencomm> xencomm, int vcpus) {
        this.kernel = requireNonNull(kernel, "kernel is null");
        this.xencomm = requireNonNull(xencomm, "xencomm is null");
        this.pairs = new Pair[vcpus][2];
    }

    /** Copies between a process's memory and a kernel block, for a lease taken for a user's call. */
    public interface UserCopies {
        void copyFromUser(long userAddress, KernelBlock block, int blockOffset, int length);

        void copyToUser(KernelBlock block, int blockOffset, long userAddress, int length);
    }

    /** The pages of {@code vcpu}, for a kernel-issued call (no user memory). */
    public VcpuArgumentPages forVcpu(int vcpu) {
        return forVcpu(vcpu, null);
    }

    /** The pages of {@code vcpu}, for a call a process made: its leases copy from and to {@code user}. */
    public VcpuArgumentPages forVcpu(int vcpu, UserCopies user) {
        Objects.checkIndex(vcpu, pairs.length);
        return new VcpuArgumentPages() {
            @Override
            public int pageBytes() {
                return kernel.pageSize().bytes();
            }

            @Override
            public int vcpu() {
                return vcpu;
            }

            @Override
            public Lease acquire(Counter waits) {
                requireNonNull(waits, "waits is null");
                return KernelVcpuPages.this.acquire(vcpu, waits, user);
            }
        };
    }

    /** Pairs allocated so far (each two pages). */
    public synchronized int pairsAllocated() {
        int n = 0;
        for (Pair[] vcpu : pairs) {
            for (Pair pair : vcpu) {
                n += pair == null ? 0 : 1;
            }
        }
        return n;
    }

    /** Whether any pair is held now. */
    public synchronized boolean anyBusy() {
        for (Pair[] vcpu : pairs) {
            for (Pair pair : vcpu) {
                if (pair != null && pair.holder != null) {
                    return true;
                }
            }
        }
        return false;
    }

    private synchronized VcpuArgumentPages.Lease acquire(int vcpu, Counter waits, UserCopies user) {
        Thread me = Thread.currentThread();
        boolean waited = false;
        while (true) {
            Pair primary = pairs[vcpu][0];
            if (primary == null || primary.holder == null) {
                return take(vcpu, 0, me, waited, waits, user);
            }
            if (primary.holder == me) {
                // Suspended under its own holder: waiting would never end. The backup pair, or EBUSY.
                Pair backup = pairs[vcpu][1];
                if (backup != null && backup.holder != null) {
                    throw new XenException(XenErrno.EBUSY, "the argument pages of vCPU " + vcpu
                            + " and their backup are busy with calls this call interrupted");
                }
                return take(vcpu, 1, me, true, waits, user);
            }
            waited = true;
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new XenException(XenErrno.EINTR, "interrupted waiting for the argument pages of vCPU " + vcpu);
            }
        }
    }

    // Under the monitor: allocates the pair on first use (ENOMEM leaves nothing held), then holds it.
    private VcpuArgumentPages.Lease take(int vcpu, int which, Thread me, boolean waited, Counter waits, UserCopies user) {
        Pair pair = pairs[vcpu][which];
        if (pair == null) {
            KernelBlock block = kernel.allocateContiguous(2);
            // Reachable once, before anything is written (a confidential VM converts it to shared).
            // If the backend cannot, it throws and counts the pages whose state it no longer
            // knows; the block is then neither used nor freed (leaked, as Linux leaks them).
            pair = new Pair(block);
            pair.holder = me;
            pairs[vcpu][which] = pair;
            try {
                xencomm.get().keepReachable(block);
            } catch (RuntimeException e) {
                pairs[vcpu][which] = null;
                throw e;
            }
        }
        pair.holder = me;
        if (waited) {
            kernel.metrics().increment(waits);
        }
        return new VcpuPageLease(pair, which == 1, user);
    }

    private synchronized void release(Pair pair) {
        pair.holder = null;
        notifyAll();
    }

    private static final class Pair {
        final KernelBlock block;
        Thread holder;

        Pair(KernelBlock block) {
            this.block = block;
        }
    }

    private final class VcpuPageLease implements VcpuArgumentPages.Lease {
        private final Pair pair;
        private final boolean backup;
        private final UserCopies user;
        private final Page input;
        private final Page output;
        private boolean closed;

        VcpuPageLease(Pair pair, boolean backup, UserCopies user) {
            this.pair = pair;
            this.backup = backup;
            this.user = user;
            int page = kernel.pageSize().bytes();
            this.input = new Page(0, page);
            this.output = new Page(page, page);
        }

        @Override
        public Placed input() {
            return input;
        }

        @Override
        public Placed output() {
            return output;
        }

        @Override
        public boolean backup() {
            return backup;
        }

        @Override
        public void copyFromUser(long userAddress, int offset, int length) {
            checkOpen();
            Objects.checkFromIndexSize(offset, length, input.length);
            userCopies().copyFromUser(userAddress, pair.block, offset, length);
        }

        @Override
        public void copyToUser(int offset, long userAddress, int length) {
            checkOpen();
            Objects.checkFromIndexSize(offset, length, output.length);
            userCopies().copyToUser(pair.block, output.start + offset, userAddress, length);
        }

        private UserCopies userCopies() {
            if (user == null) {
                throw new IllegalStateException("a kernel-issued call's pages have no user memory");
            }
            return user;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                release(pair);
            }
        }

        private void checkOpen() {
            if (closed) {
                throw new IllegalStateException("the vCPU's argument pages were already given back");
            }
        }

        private final class Page implements Placed {
            private final int start;
            private final int length;

            Page(int start, int length) {
                this.start = start;
                this.length = length;
            }

            @Override
            public MemoryReference reference() {
                return referenceAt(0);
            }

            @Override
            public MemoryReference referenceAt(int offset) {
                Objects.checkIndex(offset, length);
                return xencomm.get().kernelReference(pair.block, start + offset, length - offset);
            }

            @Override
            public int length() {
                return length;
            }

            @Override
            public void write(int offset, byte[] src, int srcOffset, int n) {
                checkOpen();
                Objects.checkFromIndexSize(offset, n, length);
                KernelBytes.write(kernel, pair.block, start + offset, src, srcOffset, n);
            }

            @Override
            public void read(int offset, byte[] dst, int dstOffset, int n) {
                checkOpen();
                Objects.checkFromIndexSize(offset, n, length);
                KernelBytes.read(kernel, pair.block, start + offset, dst, dstOffset, n);
            }
        }
    }
}
