package org.xencommlab.arch.ppc.descriptor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.memory.GuestPhysicalMemory;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.xencomm.GuestRegion;

/**
 * The hypervisor's view of one xencomm descriptor, opened for one copy, as Xen's
 * {@code xencomm_ctxt_init} and {@code xencomm_copy_from_guest} do it.
 *
 * <p>{@link #open} checks that the header does not cross a page, that the descriptor is 8-byte
 * aligned (both -EINVAL), that the header's page is RAM of the caller (-EFAULT), copies the 8-byte
 * header once and validates the copy: magic (-EINVAL), {@code nr_addrs} at most
 * {@link XencommDescriptor#MAX_ADDRS} (-EINVAL). The snapshot of {@code nr_addrs} bounds the walk
 * whatever the guest writes later. The address array may span pages.
 *
 * <p><b>No copy of the entries, so nothing to charge.</b> A copy walks forward, so the region
 * keeps only a cursor: the current entry's index, the region offset where it starts, and its value,
 * read from guest memory when the cursor reaches it (one translation step per read) and used for
 * every byte it covers. Moving forward reads each entry once; going back (no copy path does) walks
 * again from entry 0 and reads the entries again, as Xen's {@code xencomm_copy_from_guest} reads
 * {@code desc->address[i]} from the guest each time. An earlier version kept every entry read in a
 * growing array, up to 512 KiB ({@link XencommDescriptor#MAX_ADDRS} words) per open copy, held
 * outside the Xen heap's accounts although descriptors are charged; the cursor is a fixed few words
 * (the stack variables of Xen's walk), which is why a region charges nothing.
 *
 * <p>{@link #translate} walks the copied entries: each covers from its address to the end of its
 * page, {@link XencommDescriptor#INVALID} covers nothing; an offset past the last entry, a bad
 * entry, an unreadable array page, or a page that is not RAM of the caller is -EFAULT. It never
 * throws. Not thread-safe: a region serves one copy on one thread.
 */
public final class DescriptorGuestRegion implements GuestRegion {
    private final GuestPhysicalMemory memory;
    private final PageSize pageSize;
    private final RunMetrics metrics;
    private final long arrayAddress;
    private final int nrAddrs;
    // Cursor of the walk: entry index, the region offset where it starts, and (once loaded) the
    // entry's value; copies go forward.
    private int cursorIndex;
    private long cursorStart;
    private long cursorEntry;
    private boolean cursorLoaded;

    private DescriptorGuestRegion(GuestPhysicalMemory memory, RunMetrics metrics, long descriptor, int nrAddrs) {
        this.memory = memory;
        this.pageSize = memory.pageSize();
        this.metrics = metrics;
        this.arrayAddress = descriptor + XencommDescriptor.HEADER_BYTES;
        this.nrAddrs = nrAddrs;
    }

    /**
     * Opens the descriptor at guest-physical {@code descriptor}.
     *
     * @throws XenException EINVAL (header crosses a page, misaligned, bad magic, too many entries),
     *     EFAULT (header not in RAM of the caller)
     */
    public static DescriptorGuestRegion open(GuestPhysicalMemory memory, long descriptor, RunMetrics metrics) {
        PageSize pageSize = memory.pageSize();
        if (descriptor < 0) {
            throw new XenException(XenErrno.EFAULT, "descriptor address 0x" + Long.toHexString(descriptor));
        }
        if (pageSize.offsetIn(descriptor) > pageSize.bytes() - XencommDescriptor.HEADER_BYTES) {
            throw new XenException(XenErrno.EINVAL, "descriptor header at 0x" + Long.toHexString(descriptor) + " crosses a page");
        }
        if (descriptor % XencommDescriptor.ALIGNMENT != 0) {
            throw new XenException(XenErrno.EINVAL, "descriptor at 0x" + Long.toHexString(descriptor) + " is not 8-byte aligned");
        }
        if (!memory.isRam(pageSize.pageOf(descriptor))) {
            throw new XenException(XenErrno.EFAULT, "descriptor at 0x" + Long.toHexString(descriptor) + " is not RAM of d" + memory.domid());
        }
        byte[] header = new byte[XencommDescriptor.HEADER_BYTES];
        memory.read(descriptor, header, 0, header.length);
        ByteBuffer copy = ByteBuffer.wrap(header).order(ByteOrder.BIG_ENDIAN);
        int magic = copy.getInt();
        long nrAddrs = Integer.toUnsignedLong(copy.getInt());
        if (magic != XencommDescriptor.MAGIC) {
            throw new XenException(XenErrno.EINVAL, "descriptor magic 0x" + Integer.toHexString(magic));
        }
        if (nrAddrs > XencommDescriptor.MAX_ADDRS) {
            throw new XenException(XenErrno.EINVAL, "descriptor nr_addrs " + nrAddrs + " above " + XencommDescriptor.MAX_ADDRS);
        }
        return new DescriptorGuestRegion(memory, metrics, descriptor, (int) nrAddrs);
    }

    /**
     * Xen's {@code xencomm_add_offset} (xen/common/xencomm.c): advances the descriptor at
     * guest-physical {@code descriptor} by {@code bytes} in place, in guest memory. Walking its
     * entries from the first, an {@link XencommDescriptor#INVALID} entry is skipped, an entry whose
     * page piece is consumed whole becomes {@code INVALID}, and the entry where the bytes run out
     * is moved forward by the rest. The handle (the descriptor's address) stays the same, so a
     * continuation re-issues it and the next entry into the hypervisor opens the rewritten
     * descriptor. Bytes beyond the descriptor's entries are ignored, as in Xen.
     *
     * @throws XenException as {@link #open}; EFAULT for an entry that cannot be read or written or
     *     is not a guest-physical address (entries before it stay advanced, as in Xen)
     */
    public static void advanceInPlace(GuestPhysicalMemory memory, long descriptor, long bytes, RunMetrics metrics) {
        DescriptorGuestRegion region = open(memory, descriptor, metrics);
        long left = bytes;
        for (int i = 0; left > 0 && i < region.nrAddrs; i++) {
            long at = region.arrayAddress + (long) i * XencommDescriptor.ENTRY_BYTES;
            long entry;
            try {
                // Each entry is read once, in order; entries are 8-byte aligned, so each lies within one page.
                entry = memory.readLong(at, ByteOrder.BIG_ENDIAN);
            } catch (XenException e) {
                throw new XenException(XenErrno.EFAULT, "descriptor entry " + i + " cannot be read");
            }
            metrics.increment(Counter.TRANSLATION_STEPS);
            if (entry == XencommDescriptor.INVALID) {
                continue;
            }
            if (entry < 0) {
                throw new XenException(XenErrno.EFAULT, "descriptor entry " + i + " is 0x" + Long.toHexString(entry));
            }
            int covers = region.pageSize.bytesToPageEnd(entry);
            long skip = Math.min(covers, left);
            memory.writeLong(at, skip == covers ? XencommDescriptor.INVALID : entry + skip, ByteOrder.BIG_ENDIAN);
            left -= skip;
        }
    }

    /** The {@code nr_addrs} snapshot taken at open. */
    public int nrAddrs() {
        return nrAddrs;
    }

    @Override
    public long translate(long offset) {
        if (offset < 0) {
            return XenErrno.EFAULT.asResult();
        }
        if (offset < cursorStart) {
            moveTo(0, 0);
        }
        while (cursorIndex < nrAddrs) {
            if (!cursorLoaded) {
                try {
                    // Entries are 8-byte aligned, so each lies within one page.
                    cursorEntry = memory.readLong(arrayAddress + (long) cursorIndex * XencommDescriptor.ENTRY_BYTES, ByteOrder.BIG_ENDIAN);
                } catch (XenException e) {
                    return XenErrno.EFAULT.asResult();
                }
                metrics.increment(Counter.TRANSLATION_STEPS);
                cursorLoaded = true;
            }
            long entry = cursorEntry;
            if (entry == XencommDescriptor.INVALID) {
                moveTo(cursorIndex + 1, cursorStart);
                continue;
            }
            if (entry < 0) {
                return XenErrno.EFAULT.asResult();
            }
            int covers = pageSize.bytesToPageEnd(entry);
            if (offset - cursorStart < covers) {
                long address = entry + (offset - cursorStart);
                return memory.isRam(pageSize.pageOf(address)) ? address : XenErrno.EFAULT.asResult();
            }
            moveTo(cursorIndex + 1, cursorStart + covers);
        }
        return XenErrno.EFAULT.asResult();
    }

    private void moveTo(int index, long start) {
        cursorIndex = index;
        cursorStart = start;
        cursorLoaded = false;
    }
}
