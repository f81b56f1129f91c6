package org.xencommlab.hostile.fuzz;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.hypercall.HypercallContext;
import org.xencommlab.api.hypercall.HypercallHandler;
import org.xencommlab.api.hypercall.XenHeapAccount;
import org.xencommlab.api.memory.GuestPhysicalMemory;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.xencomm.DomainArchState;
import org.xencommlab.api.xencomm.DomainTeardown;
import org.xencommlab.api.xencomm.GuestAccessKind;
import org.xencommlab.api.xencomm.GuestHandleResolver;
import org.xencommlab.api.xencomm.GuestRegion;

/**
 * The check at the SPI seam between the hypervisor and an arch's hypervisor half: it wraps the
 * arch's {@link GuestHandleResolver} as the fuzz world wires it, so that every guest-physical
 * address a {@link GuestRegion} of the arch resolves, for any call of any domain, is checked
 * against what the SPI promises:
 * <ul>
 *   <li>{@link DomainArchState}: a reference "never resolves to a frame the domain does not hold";
 *       so the frame holding the resolved byte (and with it the page piece the hypervisor copies
 *       from there, which never crosses the page's end) must be RAM of the calling domain, as the
 *       calling domain's own memory ({@link HypercallContext#memory()}) answers at that moment;</li>
 *   <li>{@link GuestRegion#translate}: a result is a guest-physical address or a negative Xen
 *       errno, nothing else;</li>
 *   <li>a domain's state is used for its own domain's calls only.</li>
 * </ul>
 * The SPI gives a region no extent of its own (a byte past a reference's bound is the arch's to
 * fault), so no other bound is checked here.
 *
 * <p>The wrapper changes nothing: every answer of the arch is passed on as it was, and the
 * hypervisor's own copy path still refuses a frame that is not RAM. A breach the arch would
 * otherwise hide behind that refusal (a bounds check it skipped) is recorded here instead and
 * reported after the call as a {@code resolution} breach. One check per world; calls of one world
 * run on one thread, but the record is guarded anyway.
 */
final class ResolutionCheck {
    private String first;
    private long violations;

    /** {@code arch}'s hypervisor half with every resolution checked. */
    GuestHandleResolver wrap(GuestHandleResolver arch) {
        return new CheckedResolver(requireNonNull(arch, "arch is null"));
    }

    /** The first violation since the last call of this method, if any (the rest are counted). */
    synchronized Optional<String> take() {
        if (first == null) {
            return Optional.empty();
        }
        String seen = violations > 1 ? first + " (and " + (violations - 1) + " more)" : first;
        first = null;
        violations = 0;
        return Optional.of(seen);
    }

    private synchronized void violated(String what) {
        violations++;
        if (first == null) {
            first = what;
        }
    }

    private final class CheckedResolver implements GuestHandleResolver {
        private final GuestHandleResolver arch;

        CheckedResolver(GuestHandleResolver arch) {
            this.arch = arch;
        }

        @Override
        public DomainArchState createDomainState(int domid, XenHeapAccount heap) {
            return new CheckedState(domid, arch.createDomainState(domid, heap));
        }

        @Override
        public boolean accessOk(MemoryReference ref, long offset, long length) {
            return arch.accessOk(ref, offset, length);
        }

        @Override
        public String toString() {
            return arch + " (resolutions checked)";
        }
    }

    private final class CheckedState implements DomainArchState {
        private final int domid;
        private final DomainArchState state;

        CheckedState(int domid, DomainArchState state) {
            this.domid = domid;
            this.state = requireNonNull(state, "the arch made a null domain state");
        }

        @Override
        public GuestRegion open(HypercallContext context, MemoryReference ref, GuestAccessKind access) {
            if (context.domid() != domid) {
                violated("d" + domid + "'s arch state was asked to open " + ref + " for a call of d" + context.domid());
            }
            GuestRegion region = state.open(context, ref, access);
            return region == null ? null : new CheckedRegion(context, ref, access, region);
        }

        @Override
        public MemoryReference advance(HypercallContext context, MemoryReference ref, long bytes) {
            return state.advance(context, ref, bytes);
        }

        @Override
        public HypercallHandler hypercall(int number) {
            return state.hypercall(number);
        }

        @Override
        public List<String> audit() {
            return state.audit();
        }

        @Override
        public void release(DomainTeardown teardown) {
            state.release(teardown);
        }

        @Override
        public String toString() {
            return state.toString();
        }
    }

    private final class CheckedRegion implements GuestRegion {
        private final HypercallContext context;
        private final GuestPhysicalMemory memory;
        private final MemoryReference ref;
        private final GuestAccessKind access;
        private final GuestRegion region;

        CheckedRegion(HypercallContext context, MemoryReference ref, GuestAccessKind access, GuestRegion region) {
            this.context = context;
            this.memory = context.memory();
            this.ref = ref;
            this.access = access;
            this.region = region;
        }

        @Override
        public long translate(long offset) {
            long address = region.translate(offset);
            if (address >= 0) {
                long gfn = address >>> memory.pageSize().shift();
                if (!memory.isRam(gfn)) {
                    violated("byte " + offset + " of " + ref + ", opened for " + access + " by d" + context.domid()
                            + ", resolved to 0x" + Long.toHexString(address) + ", in gfn 0x" + Long.toHexString(gfn)
                            + ", which is not RAM of d" + context.domid());
                }
            } else if (XenErrno.fromResult(address).isEmpty()) {
                violated("byte " + offset + " of " + ref + ", opened for " + access + " by d" + context.domid()
                        + ", resolved to " + address + ", neither an address nor a Xen errno");
            }
            return address;
        }

        @Override
        public void deferCountsUntilClose() {
            region.deferCountsUntilClose();
        }

        @Override
        public void close() {
            region.close();
        }
    }
}
