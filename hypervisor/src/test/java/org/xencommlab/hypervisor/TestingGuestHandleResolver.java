package org.xencommlab.hypervisor;

import java.util.ArrayList;
import java.util.List;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.HypercallContext;
import org.xencommlab.api.hypercall.HypercallHandler;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.hypercall.XenHeapAccount;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.xencomm.DomainArchState;
import org.xencommlab.api.xencomm.DomainTeardown;
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
 * <p>Its per-domain {@link State} charges {@code stateHeapBytes} of Xen heap when the domain is
 * created (if positive) and releases them, with any frames pinned through it, at destruction. It
 * serves one hypercall of its own, {@link #STATE_HYPERCALL}, which answers the domid its state was
 * made for (-ESRCH once released).
 */
public final class TestingGuestHandleResolver implements GuestHandleResolver {
    /** The arch hypercall the testing state serves: {@code arch_6}. */
    public static final int STATE_HYPERCALL = HypercallNumber.ARCH_0 + 6;

    private final long stateHeapBytes;

    public TestingGuestHandleResolver() {
        this(0);
    }

    public TestingGuestHandleResolver(long stateHeapBytes) {
        this.stateHeapBytes = stateHeapBytes;
    }

    /** The region of the fake's encoding: {@code ref + offset}, refused as a whole when negative. */
    public static GuestRegion openPhysical(MemoryReference ref) {
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
    public State createDomainState(int domid, XenHeapAccount heap) {
        if (stateHeapBytes > 0 && !heap.tryCharge(stateHeapBytes)) {
            throw new XenException(XenErrno.ENOMEM, "no heap for the testing state of d" + domid);
        }
        return new State(domid, stateHeapBytes);
    }

    /** The testing per-domain state: its heap charge, the frames a test pinned through it, its releases. */
    public static final class State implements DomainArchState {
        public final int domid;
        final long heapBytes;
        private final List<Long> pinned = new ArrayList<>();
        private int releases;

        State(int domid, long heapBytes) {
            this.domid = domid;
            this.heapBytes = heapBytes;
        }

        @Override
        public GuestRegion open(HypercallContext context, MemoryReference ref, GuestAccessKind access) {
            return openPhysical(ref);
        }

        @Override
        public HypercallHandler hypercall(int number) {
            return number == STATE_HYPERCALL ? (context, args) -> released() ? XenErrno.ESRCH.asResult() : domid : null;
        }

        @Override
        public void release(DomainTeardown teardown) {
            List<Long> held;
            synchronized (this) {
                releases++;
                held = List.copyOf(pinned);
                pinned.clear();
            }
            for (long gfn : held) {
                teardown.unpinFrame(gfn);
            }
            if (heapBytes > 0) {
                teardown.heap().release(heapBytes);
            }
        }

        /** Records a pin that the release must drop. */
        public synchronized void recordPin(long gfn) {
            pinned.add(gfn);
        }

        /** How often {@link #release} ran (the hypervisor promises once per domain). */
        public synchronized int releases() {
            return releases;
        }

        synchronized boolean released() {
            return releases > 0;
        }
    }
}
