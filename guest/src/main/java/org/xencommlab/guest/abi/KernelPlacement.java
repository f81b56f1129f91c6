package org.xencommlab.guest.abi;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.xencommlab.api.abi.ArgumentPlacement;
import org.xencommlab.api.abi.VcpuArgumentPages;
import org.xencommlab.api.abi.codec.PlacementSize;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.kernel.KernelServices;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.xencomm.KernelXencomm;

/**
 * Argument memory for a hypercall the kernel issues itself (the balloon driver): one {@code kmalloc}'d, physically contiguous arena, pieces placed in it at
 * 8-byte aligned offsets with kernel stores, each named by the arch's native kernel reference
 * ({@link KernelXencomm#kernelReference}: a kernel virtual address on x86, an inline physical
 * address on ppc). Nothing is locked or registered: kernel memory is never swapped or moved.
 *
 * <p>The arena is sized up front ({@link org.xencommlab.api.abi.ArgumentStrategy#argumentBytes});
 * a piece that does not fit is ENOSPC. {@link #reset} lets one arena serve several calls in turn; {@link #close} frees it
 * ({@code kfree}) and may be called more than once. Not thread-safe.
 *
 * <p>It also lends the kernel's per-vCPU argument pages ({@link VcpuArgumentPages.Holder}) when
 * the kernel has them, to a strategy that carries its arguments there instead; every lease taken
 * through it is given back when it is closed. An arena made with {@link #onFirstPlace} is
 * {@code kmalloc}'d only when a piece is first placed, so a call whose strategy places nothing in
 * it allocates nothing.
 */
public final class KernelPlacement implements ArgumentPlacement, VcpuArgumentPages.Holder, AutoCloseable {
    private final KernelServices kernel;
    private final KernelXencomm xencomm;
    private final int capacity;
    private KernelBlock block;
    private int used;
    private boolean closed;
    private final List<VcpuArgumentPages.Lease> leases = new ArrayList<>();

    private KernelPlacement(KernelServices kernel, KernelXencomm xencomm, int capacity, KernelBlock block) {
        this.kernel = kernel;
        this.xencomm = xencomm;
        this.capacity = capacity;
        this.block = block;
    }

    /**
     * {@code kmalloc}s an arena of {@code capacity} bytes (at least one).
     *
     * @throws XenException ENOMEM when the kernel has no contiguous memory for it
     */
    public static KernelPlacement allocate(KernelServices kernel, KernelXencomm xencomm, int capacity) {
        requireNonNull(kernel, "kernel is null");
        requireNonNull(xencomm, "xencomm is null");
        if (capacity < 0) {
            throw new IllegalArgumentException("negative capacity");
        }
        return new KernelPlacement(kernel, xencomm, Math.max(1, capacity), kernel.kmalloc(Math.max(1, capacity)));
    }

    /**
     * An arena of {@code capacity} bytes {@code kmalloc}'d when its first piece is placed (ENOMEM
     * then), or never if nothing is placed.
     */
    public static KernelPlacement onFirstPlace(KernelServices kernel, KernelXencomm xencomm, int capacity) {
        requireNonNull(kernel, "kernel is null");
        requireNonNull(xencomm, "xencomm is null");
        if (capacity < 0) {
            throw new IllegalArgumentException("negative capacity");
        }
        return new KernelPlacement(kernel, xencomm, Math.max(1, capacity), null);
    }

    /** The arena ({@code kmalloc}'d now if it was not yet). */
    public KernelBlock block() {
        checkOpen();
        return allocated();
    }

    private KernelBlock allocated() {
        if (block == null) {
            block = kernel.kmalloc(capacity);
        }
        return block;
    }

    /**
     * The pages of the vCPU the kernel issues its calls on, when the kernel has them; each lease
     * taken through them is given back at {@link #close} at the latest.
     */
    @Override
    public Optional<VcpuArgumentPages> vcpuArgumentPages() {
        if (!(kernel instanceof VcpuArgumentPages.Holder holder)) {
            return Optional.empty();
        }
        return holder.vcpuArgumentPages().map(pages -> new VcpuArgumentPages() {
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
                checkOpen();
                Lease lease = pages.acquire(waits);
                leases.add(lease);
                return lease;
            }
        });
    }

    /** Bytes placed since the arena was allocated or reset, alignment included. */
    public int used() {
        return used;
    }

    /** Forgets every piece and gives back lent vCPU pages, so the next call can use the arena again (its bytes are overwritten as placed). */
    public void reset() {
        checkOpen();
        used = 0;
        for (VcpuArgumentPages.Lease lease : leases) {
            lease.close();
        }
        leases.clear();
    }

    @Override
    public Placed place(byte[] src, int srcOffset, int length) {
        checkOpen();
        Objects.checkFromIndexSize(srcOffset, length, src.length);
        long start = PlacementSize.align(used);
        if (start + length > capacity) {
            throw new XenException(XenErrno.ENOSPC, length + " bytes do not fit in a kernel arena of " + capacity
                    + " with " + used + " used");
        }
        KernelBytes.write(kernel, allocated(), (int) start, src, srcOffset, length);
        used = (int) start + length;
        return new Piece((int) start, length);
    }

    /**
     * Issues a hypercall whose memory is this arena: the arch's guest half sees the arena just
     * before the hypervisor does and just after ({@link KernelXencomm#beforeKernelHypercall}).
     */
    public long issue(LongSupplier hypercall) {
        checkOpen();
        // Under a strategy that never placed anything here (its memory is the vCPU's pages) there is no arena.
        Runnable after = block == null ? () -> { } : xencomm.beforeKernelHypercall(block);
        try {
            return hypercall.getAsLong();
        } finally {
            after.run();
        }
    }

    /**
     * Gives back the vCPU pages lent through it, then gives the arch what it took for the arena
     * ({@link KernelXencomm#releaseKernelBlock}) and {@code kfree}s it; later calls do nothing.
     */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            for (VcpuArgumentPages.Lease lease : leases) {
                lease.close();
            }
            leases.clear();
            if (block != null) {
                xencomm.releaseKernelBlock(block);
                kernel.kfree(block);
            }
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("kernel arena already freed");
        }
    }

    private final class Piece implements Placed {
        private final int start;
        private final int length;

        Piece(int start, int length) {
            this.start = start;
            this.length = length;
        }

        @Override
        public MemoryReference reference() {
            return referenceAt(0);
        }

        @Override
        public MemoryReference referenceAt(int offset) {
            Objects.checkFromToIndex(offset, length, length);
            return xencomm.kernelReference(block, start + offset, length - offset);
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public void write(int offset, byte[] src, int srcOffset, int n) {
            checkOpen();
            Objects.checkFromIndexSize(offset, n, length);
            KernelBytes.write(kernel, block, start + offset, src, srcOffset, n);
        }

        @Override
        public void read(int offset, byte[] dst, int dstOffset, int n) {
            checkOpen();
            Objects.checkFromIndexSize(offset, n, length);
            KernelBytes.read(kernel, block, start + offset, dst, dstOffset, n);
        }
    }
}
