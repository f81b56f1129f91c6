package org.xencommlab.guest.testing;

import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.hypercall.HypercallContext;
import org.xencommlab.api.hypercall.XenHeapAccount;
import org.xencommlab.api.memory.GuestPhysicalMemory;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.xencomm.DomainArchState;
import org.xencommlab.api.xencomm.DomainTeardown;
import org.xencommlab.api.xencomm.GuestAccessKind;
import org.xencommlab.api.xencomm.GuestHandleResolver;
import org.xencommlab.api.xencomm.GuestRegion;

/**
 * The hypervisor half that matches {@link TestingGuestXencomm}: a reference is a virtual address
 * of the calling vCPU, and each byte is found by walking that vCPU's page tables
 * ({@link TestingWalker}, the {@link TestingPageTableFormat} layout) from the root the guest last
 * loaded. A byte whose page is not present is -EFAULT (as on x86, the hypervisor cannot fault a
 * page in). It holds nothing per domain, so its release gives back nothing.
 */
public final class TestingPageWalkResolver implements GuestHandleResolver {
    @Override
    public DomainArchState createDomainState(int domid, XenHeapAccount heap) {
        return new DomainArchState() {
            @Override
            public GuestRegion open(HypercallContext context, MemoryReference ref, GuestAccessKind access) {
                GuestPhysicalMemory memory = context.memory();
                long root = context.pageTableBase();
                return offset -> translate(memory, root, ref.value() + offset);
            }

            @Override
            public void release(DomainTeardown teardown) {}
        };
    }

    private static long translate(GuestPhysicalMemory memory, long root, long va) {
        if (root < 0) {
            return XenErrno.EFAULT.asResult();
        }
        try {
            long physical = TestingWalker.translate(memory, memory.pageSize().pageOf(root), va);
            return physical < 0 ? XenErrno.EFAULT.asResult() : physical;
        } catch (RuntimeException e) {
            // A table frame that is not RAM (EFAULT from the memory): the walk fails as a fault.
            return XenErrno.EFAULT.asResult();
        }
    }
}
