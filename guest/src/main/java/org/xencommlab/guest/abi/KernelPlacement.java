package org.xencommlab.guest.abi;

import static java.util.Objects.requireNonNull;

import java.util.Objects;
import java.util.function.LongSupplier;
import org.xencommlab.api.abi.ArgumentPlacement;
import org.xencommlab.api.abi.codec.PlacementSize;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.kernel.KernelServices;
import org.xencommlab.api.memory.MemoryReference;
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
 */
public final class KernelPlacement implements ArgumentPlacement, AutoCloseable {
    private final KernelServices kernel;
    private final KernelXencomm xencomm;
    private final KernelBlock block;
    private int used;
    private boolean closed;

    private KernelPlacement(KernelServices kernel, KernelXencomm xencomm, KernelBlock block) {
        this.kernel = kernel;
        this.xencomm = xencomm;
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
        return new KernelPlacement(kernel, xencomm, kernel.kmalloc(Math.max(1, capacity)));
    }

    /** The arena. */
    public KernelBlock block() {
        return block;
    }

    /** Bytes placed since the arena was allocated or reset, alignment included. */
    public int used() {
        return used;
    }

    /** Forgets every piece, so the next call can use the arena again (its bytes are overwritten as placed). */
    public void reset() {
        checkOpen();
        used = 0;
    }

    @Override
    public Placed place(byte[] src, int srcOffset, int length) {
        checkOpen();
        Objects.checkFromIndexSize(srcOffset, length, src.length);
        long start = PlacementSize.align(used);
        if (start + length > block.length()) {
            throw new XenException(XenErrno.ENOSPC, length + " bytes do not fit in a kernel arena of " + block.length()
                    + " with " + used + " used");
        }
        KernelBytes.write(kernel, block, (int) start, src, srcOffset, length);
        used = (int) start + length;
        return new Piece((int) start, length);
    }

    /**
     * Issues a hypercall whose memory is this arena: the arch's guest half sees the arena just
     * before the hypervisor does and just after ({@link KernelXencomm#beforeKernelHypercall}).
     */
    public long issue(LongSupplier hypercall) {
        checkOpen();
        Runnable after = xencomm.beforeKernelHypercall(block);
        try {
            return hypercall.getAsLong();
        } finally {
            after.run();
        }
    }

    /** Gives the arch what it took for the arena ({@link KernelXencomm#releaseKernelBlock}), then {@code kfree}s it; later calls do nothing. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            xencomm.releaseKernelBlock(block);
            kernel.kfree(block);
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
