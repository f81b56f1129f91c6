package org.xencommlab.arch.ppc.hypervisor;

import static java.util.Objects.requireNonNull;

import jakarta.inject.Inject;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.HypercallContext;
import org.xencommlab.api.hypercall.XenHeapAccount;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.api.xencomm.GuestAccessKind;
import org.xencommlab.api.xencomm.GuestHandleResolver;
import org.xencommlab.api.xencomm.GuestRegion;
import org.xencommlab.arch.ppc.PpcConfig;
import org.xencommlab.arch.ppc.descriptor.DescriptorGuestRegion;
import org.xencommlab.arch.ppc.reference.PpcMemref;
import org.xencommlab.arch.ppc.registration.BufferRegistration;
import org.xencommlab.arch.ppc.registration.RegistrationTable;

/**
 * The hypervisor half of the ppc backend. The hypervisor runs in real mode: it never walks a guest
 * page table and resolves guest-physical addresses only. A reference is one of (see
 * {@link PpcMemref}):
 * <ul>
 *   <li>inline (bit 63): physically contiguous kernel memory at the address it carries, in every
 *       mode;</li>
 *   <li>{@code mode=registration}: {@code bufid | offset}, looked up in the calling domain's
 *       {@link RegistrationTable} (made here by {@link #createDomainState}); -EINVAL for a bufid that
 *       cannot be this domain's, -ENOENT for a stale one;</li>
 *   <li>{@code mode=descriptor}: the guest-physical address of a xencomm descriptor, opened by
 *       {@link DescriptorGuestRegion}.</li>
 * </ul>
 * The NULL reference (0) opens a region in which every byte is -EFAULT, so a zero-length copy of a
 * NULL handle succeeds and any other faults.
 *
 * <p>{@link #advance} (Xen's {@code guest_handle_add_offset}, for continuations): an inline
 * reference advances its address (Xen's {@code xencomm_inline_add_offset}); a descriptor is
 * rewritten in place and keeps its address ({@code xencomm_add_offset}); a registered
 * {@code bufid | offset} advances its offset, -EFAULT when the offset would leave its 24 bits (it
 * never carries into the bufid, so an advanced reference never names another buffer); NULL is
 * -EFAULT.
 */
public final class PpcGuestHandleResolver implements GuestHandleResolver {
    private static final GuestRegion NOTHING = offset -> XenErrno.EFAULT.asResult();

    private final PpcConfig config;
    private final RunMetrics metrics;
    private final Trace trace;

    @Inject
    public PpcGuestHandleResolver(PpcConfig config, RunMetrics metrics, Trace trace) {
        this.config = requireNonNull(config, "config is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.trace = requireNonNull(trace, "trace is null");
    }

    @Override
    public GuestRegion open(HypercallContext context, MemoryReference ref, GuestAccessKind access) {
        long value = ref.value();
        if (PpcMemref.isInline(value)) {
            return new InlineGuestRegion(context.memory(), PpcMemref.inlineAddress(value));
        }
        if (value == 0) {
            return NOTHING;
        }
        if (config.mode() == PpcConfig.Mode.DESCRIPTOR) {
            return DescriptorGuestRegion.open(context.memory(), value, context.metrics());
        }
        RegistrationTable table = context.archState(RegistrationTable.class);
        if (table == null) {
            throw new XenException(XenErrno.EINVAL, "d" + context.domid() + " has no registration table");
        }
        context.metrics().increment(Counter.TRANSLATION_STEPS);
        BufferRegistration registration = table.lookup(value);
        return new RegisteredGuestRegion(table, registration, value, context.memory(), context.metrics());
    }

    /**
     * Xen's {@code access_ok} for ppc references. An inline reference carries a 63-bit
     * guest-physical address: the range's last byte must still be a 63-bit address (no wrap past
     * the top of the physical address space). A registered reference's offsets are bounded by its
     * registration and a descriptor's by its entries, and both are reached page by page, so beyond
     * the default's checks nothing about them can wrap. Reads nothing and counts nothing.
     */
    @Override
    public boolean accessOk(MemoryReference ref, long offset, long length) {
        if (!GuestHandleResolver.super.accessOk(ref, offset, length)) {
            return false;
        }
        if (length == 0 || !PpcMemref.isInline(ref.value())) {
            return true;
        }
        long first = PpcMemref.inlineAddress(ref.value()) + offset;
        return first >= 0 && first <= Long.MAX_VALUE - (length - 1);
    }

    @Override
    public MemoryReference advance(HypercallContext context, MemoryReference ref, long bytes) {
        long value = ref.value();
        if (bytes < 0) {
            throw new XenException(XenErrno.EINVAL, "advance by " + bytes);
        }
        if (value == 0) {
            throw new XenException(XenErrno.EFAULT, "cannot advance the NULL handle");
        }
        if (PpcMemref.isInline(value)) {
            long address = PpcMemref.inlineAddress(value);
            if (bytes > Long.MAX_VALUE - address) {
                throw new XenException(XenErrno.EFAULT, "inline address 0x" + Long.toHexString(address) + " + " + bytes);
            }
            return new MemoryReference(PpcMemref.inline(address + bytes));
        }
        if (config.mode() == PpcConfig.Mode.DESCRIPTOR) {
            DescriptorGuestRegion.advanceInPlace(context.memory(), value, bytes, context.metrics());
            return ref;
        }
        long offset = value & PpcMemref.OFFSET_MASK;
        if (bytes > PpcMemref.OFFSET_MASK - offset) {
            throw new XenException(XenErrno.EFAULT, "offset 0x" + Long.toHexString(offset) + " + " + bytes + " leaves the bufid's offset bits");
        }
        return new MemoryReference(value + bytes);
    }

    /** A {@link RegistrationTable} of {@code max-registrations} slots in registration mode; none in descriptor mode. */
    @Override
    public Object createDomainState(int domid, XenHeapAccount heap) {
        if (config.mode() == PpcConfig.Mode.DESCRIPTOR) {
            return null;
        }
        return new RegistrationTable(domid, config.maxRegistrations(), heap, metrics, trace);
    }

    @Override
    public void destroyDomainState(Object state, DomainTeardown teardown) {
        if (state instanceof RegistrationTable table) {
            table.destroy(teardown::unpinFrame);
        }
    }
}
