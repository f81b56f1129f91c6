package org.xencommlab.strategy.percpu.form;

import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.GuestCopy;
import org.xencommlab.api.memory.MemoryReference;

/**
 * The hypervisor's view of a call carried in a vCPU's page pair, over the hypervisor's own
 * {@link GuestCopy}: a reference names bytes of the input page, and the matching bytes of the
 * output page are {@code pageBytes} later (reached with {@link GuestCopy#advance}, Xen's
 * {@code guest_handle_add_offset}, so every arch's references work).
 * <ul>
 *   <li>a write goes only to the output page;</li>
 *   <li>a read takes the bytes from the input page, then the same range from the output page over
 *       them: the output page starts as the input's image, so what differs there is what the
 *       hypervisor itself wrote earlier in the call (progress a continuation reads back).</li>
 * </ul>
 * Like any copy it never throws for guest input: an output page it cannot reach (or advance to)
 * is a fault of the whole range.
 */
final class PagePair implements GuestCopy {
    private final GuestCopy guest;
    private final int pageBytes;

    PagePair(GuestCopy guest, int pageBytes) {
        this.guest = guest;
        this.pageBytes = pageBytes;
    }

    @Override
    public long copyFromGuest(byte[] dst, int dstOffset, MemoryReference ref, long offset, int length) {
        long missed = guest.copyFromGuest(dst, dstOffset, ref, offset, length);
        int read = (int) (length - missed);
        if (read <= 0) {
            return missed;
        }
        MemoryReference output = output(ref);
        if (output == null) {
            return length;
        }
        byte[] written = new byte[read];
        long outMissed = guest.copyFromGuest(written, 0, output, offset, read);
        if (outMissed != 0) {
            return length - (read - outMissed);
        }
        System.arraycopy(written, 0, dst, dstOffset, read);
        return missed;
    }

    @Override
    public long copyToGuest(MemoryReference ref, long offset, byte[] src, int srcOffset, int length) {
        MemoryReference output = output(ref);
        return output == null ? length : guest.copyToGuest(output, offset, src, srcOffset, length);
    }

    @Override
    public boolean accessOk(MemoryReference ref, long offset, long length) {
        MemoryReference output = output(ref);
        return output != null && guest.accessOk(ref, offset, length) && guest.accessOk(output, offset, length);
    }

    @Override
    public MemoryReference advance(MemoryReference ref, long bytes) {
        return guest.advance(ref, bytes);
    }

    // The output page's byte matching ref's, or null when the arch cannot name it.
    private MemoryReference output(MemoryReference ref) {
        if (ref.value() == 0) {
            return null;
        }
        try {
            return guest.advance(ref, pageBytes);
        } catch (XenException e) {
            return null;
        }
    }
}
