package org.xencommlab.guest.abi;

import java.util.Objects;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.kernel.KernelServices;
import org.xencommlab.api.memory.GuestPhysicalMemory;
import org.xencommlab.api.memory.PageSize;

/**
 * Kernel loads and stores on a physically contiguous {@link KernelBlock}: the kernel reaches its
 * own memory through the direct map, which the lab models as guest-physical accesses, one page
 * piece at a time (a block may span pages; an access of the memory bus may not).
 */
public final class KernelBytes {
    private KernelBytes() {}

    /** Stores {@code length} bytes of {@code src} at byte {@code offset} of {@code block}. */
    public static void write(KernelServices kernel, KernelBlock block, int offset, byte[] src, int srcOffset, int length) {
        check(block, offset, length);
        Objects.checkFromIndexSize(srcOffset, length, src.length);
        GuestPhysicalMemory memory = kernel.physicalMemory();
        PageSize pageSize = kernel.pageSize();
        long physical = block.physicalAddress() + offset;
        int done = 0;
        while (done < length) {
            int piece = Math.min(length - done, pageSize.bytesToPageEnd(physical + done));
            memory.write(physical + done, src, srcOffset + done, piece);
            done += piece;
        }
    }

    /** Loads {@code length} bytes at byte {@code offset} of {@code block} into {@code dst}. */
    public static void read(KernelServices kernel, KernelBlock block, int offset, byte[] dst, int dstOffset, int length) {
        check(block, offset, length);
        Objects.checkFromIndexSize(dstOffset, length, dst.length);
        GuestPhysicalMemory memory = kernel.physicalMemory();
        PageSize pageSize = kernel.pageSize();
        long physical = block.physicalAddress() + offset;
        int done = 0;
        while (done < length) {
            int piece = Math.min(length - done, pageSize.bytesToPageEnd(physical + done));
            memory.read(physical + done, dst, dstOffset + done, piece);
            done += piece;
        }
    }

    private static void check(KernelBlock block, int offset, int length) {
        Objects.requireNonNull(block, "block is null");
        Objects.checkFromIndexSize(offset, length, block.length());
    }
}
