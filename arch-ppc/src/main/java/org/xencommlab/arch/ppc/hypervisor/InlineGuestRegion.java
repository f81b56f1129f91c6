package org.xencommlab.arch.ppc.hypervisor;

import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.memory.GuestPhysicalMemory;
import org.xencommlab.api.xencomm.GuestRegion;

/**
 * The memory an inline reference names: physically contiguous guest memory from its address on
 * (Xen's {@code xencomm_inline_from_guest}). No registration and no descriptor, but every page
 * reached must be RAM of the caller, or the byte is -EFAULT.
 */
final class InlineGuestRegion implements GuestRegion {
    private final GuestPhysicalMemory memory;
    private final long base;

    InlineGuestRegion(GuestPhysicalMemory memory, long base) {
        this.memory = memory;
        this.base = base;
    }

    @Override
    public long translate(long offset) {
        if (offset < 0) {
            return XenErrno.EFAULT.asResult();
        }
        long address = base + offset;
        if (address < 0) {
            return XenErrno.EFAULT.asResult();
        }
        return memory.isRam(memory.pageSize().pageOf(address)) ? address : XenErrno.EFAULT.asResult();
    }
}
