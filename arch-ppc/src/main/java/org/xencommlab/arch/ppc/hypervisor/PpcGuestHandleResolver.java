package org.xencommlab.arch.ppc.hypervisor;

import static java.util.Objects.requireNonNull;

import jakarta.inject.Inject;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.HypercallContext;
import org.xencommlab.api.hypercall.HypercallHandler;
import org.xencommlab.api.hypercall.XenHeapAccount;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.api.xencomm.DomainArchState;
import org.xencommlab.api.xencomm.DomainTeardown;
import org.xencommlab.api.xencomm.GuestAccessKind;
import org.xencommlab.api.xencomm.GuestHandleResolver;
import org.xencommlab.api.xencomm.GuestRegion;
import org.xencommlab.arch.ppc.PpcConfig;
import org.xencommlab.arch.ppc.descriptor.DescriptorGuestRegion;
import org.xencommlab.arch.ppc.reference.PpcMemref;
import org.xencommlab.arch.ppc.registration.BufferRegistration;
import org.xencommlab.arch.ppc.registration.RegistrationOp;
import org.xencommlab.arch.ppc.registration.RegistrationTable;

/**
 * The hypervisor half of the ppc backend. The hypervisor runs in real mode: it never walks a guest
 * page table and resolves guest-physical addresses only. A reference is one of (see
 * {@link PpcMemref}):
 * <ul>
 *   <li>inline (bit 63): physically contiguous kernel memory at the address it carries, in every
 *       mode;</li>
 *   <li>{@code mode=registration}: {@code bufid | offset}, looked up in the calling domain's
 *       {@link RegistrationTable}, which its {@link PpcDomainState} holds; -EINVAL for a bufid that
 *       cannot be this domain's, -ENOENT for a stale one;</li>
 *   <li>{@code mode=descriptor}: the guest-physical address of a xencomm descriptor, opened by
 *       {@link DescriptorGuestRegion}.</li>
 * </ul>
 * The NULL reference (0) opens a region in which every byte is -EFAULT, so a zero-length copy of a
 * NULL handle succeeds and any other faults.
 *
 * <p>Each domain gets a {@link PpcDomainState} ({@link #createDomainState}): in registration mode
 * it owns the domain's registration table and serves {@code arch_0}
 * ({@link RegistrationHypercall}) on it; in descriptor mode it holds no table and {@code arch_0}
 * is -ENOSYS. Its release destroys the table: every registration's pins and heap charges and the
 * leaves' charges go back.
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

    /** A new state: with a {@link RegistrationTable} of {@code max-registrations} slots in registration mode; none in descriptor mode. */
    @Override
    public PpcDomainState createDomainState(int domid, XenHeapAccount heap) {
        RegistrationTable table = config.mode() == PpcConfig.Mode.DESCRIPTOR
                ? null
                : new RegistrationTable(domid, config.maxRegistrations(), heap, metrics, trace);
        return new PpcDomainState(domid, table);
    }

    /**
     * The ppc backend's state of one domain: its registration table (registration mode) and the
     * {@code arch_0} handler bound to it. Thread-safe: the table guards itself. After
     * {@link #release} the table refuses registrations with -ESRCH and finds no bufid.
     */
    public final class PpcDomainState implements DomainArchState {
        private final int domid;
        private final RegistrationTable table;
        private final RegistrationHypercall registration;

        PpcDomainState(int domid, RegistrationTable table) {
            this.domid = domid;
            this.table = table;
            this.registration = table == null ? null : new RegistrationHypercall(table);
        }

        /** The domain's registration table; null in descriptor mode. */
        public RegistrationTable registrationTable() {
            return table;
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
            if (table == null) {
                throw new XenException(XenErrno.EINVAL, "d" + domid + " has no registration table");
            }
            context.metrics().increment(Counter.TRANSLATION_STEPS);
            BufferRegistration registration = table.lookup(value);
            return new RegisteredGuestRegion(table, registration, value, context.memory(), context.metrics());
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

        /** {@code arch_0}, the registration hypercall, on this domain's table; none in descriptor mode. */
        @Override
        public HypercallHandler hypercall(int number) {
            return number == RegistrationOp.HYPERCALL ? registration : null;
        }

        /** Destroys the table: every registration unpinned and uncharged, the leaves released. */
        @Override
        public void release(DomainTeardown teardown) {
            if (table != null) {
                table.destroy(teardown::unpinFrame);
            }
        }
    }
}
