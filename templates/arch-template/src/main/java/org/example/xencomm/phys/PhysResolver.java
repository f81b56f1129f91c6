package org.example.xencomm.phys;

import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.HypercallContext;
import org.xencommlab.api.hypercall.XenHeapAccount;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.xencomm.DomainArchState;
import org.xencommlab.api.xencomm.DomainTeardown;
import org.xencommlab.api.xencomm.GuestAccessKind;
import org.xencommlab.api.xencomm.GuestHandleResolver;
import org.xencommlab.api.xencomm.GuestRegion;

/**
 * The hypervisor half: a reference is a tagged guest-physical address ({@link PhysReference}), so
 * opening one is checking its tag and translating is adding the offset. A byte whose frame is not
 * the domain's RAM is -EFAULT, as the SPI promises (the hypervisor's copy path would refuse it
 * again, but an arch must not hand it out). Nothing is read from the guest, nothing is kept per
 * domain, nothing is charged. Stateless and thread-safe.
 */
final class PhysResolver implements GuestHandleResolver {
    @Override
    public DomainArchState createDomainState(int domid, XenHeapAccount heap) {
        return new DomainArchState() {
            @Override
            public GuestRegion open(HypercallContext context, MemoryReference ref, GuestAccessKind access) {
                if (!PhysReference.wellFormed(ref.value())) {
                    throw new XenException(XenErrno.EFAULT, "not a phys reference: " + ref);
                }
                long start = PhysReference.physical(ref.value());
                int shift = context.memory().pageSize().shift();
                return offset -> {
                    if (offset < 0 || offset >= PhysReference.PHYSICAL_LIMIT - start) {
                        return XenErrno.EFAULT.asResult();
                    }
                    long physical = start + offset;
                    return context.memory().isRam(physical >>> shift) ? physical : XenErrno.EFAULT.asResult();
                };
            }

            @Override
            public MemoryReference advance(HypercallContext context, MemoryReference ref, long bytes) {
                if (!accessOk(ref, bytes, 1)) { // the advanced reference must still name a byte
                    throw new XenException(XenErrno.EFAULT, "cannot advance " + ref + " by " + bytes);
                }
                return new MemoryReference(ref.value() + bytes); // the address stays below 2^52, the tag unchanged
            }

            @Override
            public void release(DomainTeardown teardown) {
                // nothing held per domain
            }
        };
    }

    /** A well-formed reference, and a range that ends inside guest-physical space. */
    @Override
    public boolean accessOk(MemoryReference ref, long offset, long length) {
        return PhysReference.wellFormed(ref.value()) && offset >= 0 && length >= 0
                && offset <= PhysReference.PHYSICAL_LIMIT - length
                && PhysReference.physical(ref.value()) <= PhysReference.PHYSICAL_LIMIT - offset - length;
    }
}
