package org.xencommlab.hypervisor;

import java.util.ArrayList;
import java.util.List;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.HypercallContext;
import org.xencommlab.api.hypercall.XenHeapAccount;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.xencomm.GuestAccessKind;
import org.xencommlab.api.xencomm.GuestHandleResolver;
import org.xencommlab.api.xencomm.GuestRegion;

/**
 * A test fake of an arch backend's hypervisor half: a memory reference is simply a guest-physical
 * address, and byte {@code offset} of it is at {@code reference + offset}. A negative reference
 * is refused as a whole (EFAULT); an offset that overflows translates to -EFAULT. No real arch
 * works like this (x86 walks page tables, ppc decodes registrations or descriptors); it lets the
 * hypervisor be tested alone.
 *
 * <p>Its per-domain state, if {@code stateHeapBytes} is positive, charges that many bytes of Xen heap
 * when the domain is created and releases them, with any frames pinned through it, at destruction.
 */
public final class TestingGuestHandleResolver implements GuestHandleResolver {
    private final long stateHeapBytes;

    public TestingGuestHandleResolver() {
        this(0);
    }

    public TestingGuestHandleResolver(long stateHeapBytes) {
        this.stateHeapBytes = stateHeapBytes;
    }

    @Override
    public GuestRegion open(HypercallContext context, MemoryReference ref, GuestAccessKind access) {
        long base = ref.value();
        if (base < 0) {
            throw new XenException(XenErrno.EFAULT, "negative guest-physical reference " + ref);
        }
        return offset -> {
            long address = base + offset;
            return offset < 0 || address < base ? XenErrno.EFAULT.asResult() : address;
        };
    }

    @Override
    public Object createDomainState(int domid, XenHeapAccount heap) {
        if (stateHeapBytes == 0) {
            return null;
        }
        if (!heap.tryCharge(stateHeapBytes)) {
            throw new XenException(XenErrno.ENOMEM, "no heap for the testing state of d" + domid);
        }
        return new State(domid, stateHeapBytes);
    }

    @Override
    public void destroyDomainState(Object state, DomainTeardown teardown) {
        if (state instanceof State s) {
            for (long gfn : s.pinned()) {
                teardown.unpinFrame(gfn);
            }
            teardown.heap().release(s.heapBytes);
        }
    }

    /** The testing per-domain state: its heap charge and the frames a test pinned through it. */
    public static final class State {
        public final int domid;
        final long heapBytes;
        private final List<Long> pinned = new ArrayList<>();

        State(int domid, long heapBytes) {
            this.domid = domid;
            this.heapBytes = heapBytes;
        }

        /** Records a pin that teardown must drop. */
        public synchronized void recordPin(long gfn) {
            pinned.add(gfn);
        }

        synchronized List<Long> pinned() {
            return List.copyOf(pinned);
        }
    }
}
