package org.xencommlab.api.abi.xenversion;

import java.util.List;
import java.util.Optional;
import org.xencommlab.api.abi.ArgumentKind;
import org.xencommlab.api.abi.ArgumentPlacement;
import org.xencommlab.api.abi.HandleSite;
import org.xencommlab.api.abi.HandleSiteFinder;
import org.xencommlab.api.abi.HandleSiteFinder.MemoryReader;
import org.xencommlab.api.abi.HypercallRequest;
import org.xencommlab.api.abi.PreparedCall;
import org.xencommlab.api.abi.codec.ArgumentWords;
import org.xencommlab.api.abi.codec.FormCodec;
import org.xencommlab.api.abi.codec.HypercallAbi;
import org.xencommlab.api.abi.codec.PlacementSize;
import org.xencommlab.api.abi.codec.PointerCodec;
import org.xencommlab.api.hypercall.GuestCopy;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.hypercall.SubOps;

/**
 * {@code xen_version(cmd, arg)}: the lab's tools issue it as a {@link org.xencommlab.api.abi.PlainCall}
 * ({@code XENVER_version} names no memory), so it has no request type and no view of its own; what
 * it declares is its memory word and, in the pointer form, the buffers a tool may pass
 * ({@code XENVER_extraversion}, {@code XENVER_capabilities}) for a kernel that rewrites handles.
 * The embedded form passes no xen_version buffer, so it has no embedded codec.
 */
public final class XenVersionAbi implements HypercallAbi {
    /** {@code xen_version(cmd, arg)}: {@code arg} names the buffer of the commands that fill one. */
    public static final int MEMORY_ARGUMENT = 1;

    @Override
    public String name() {
        return "xen_version";
    }

    @Override
    public int hypercall() {
        return HypercallNumber.XEN_VERSION;
    }

    @Override
    public int memoryArgument() {
        return MEMORY_ARGUMENT;
    }

    @Override
    public List<Class<?>> requestTypes() {
        return List.of();
    }

    @Override
    public List<ArgumentKind<?>> kinds() {
        return List.of();
    }

    @Override
    public List<FormCodec> codecs() {
        return List.of(new Pointer());
    }

    /** Handle sites only: the registry never hands it a request or a kind, since it lists none. */
    static final class Pointer implements PointerCodec {
        /** extraversion and capabilities fill a fixed-size buffer; version, pagesize and the rest pass none. */
        @Override
        public Optional<List<HandleSite>> handleSites(long[] args, MemoryReader reader, HandleSiteFinder nested) {
            long cmd = ArgumentWords.u32(args, 0);
            if (cmd == SubOps.XenVersion.EXTRAVERSION) {
                return Optional.of(List.of(HandleSite.argument(MEMORY_ARGUMENT, SubOps.XenVersion.EXTRAVERSION_LENGTH, List.of())));
            }
            if (cmd == SubOps.XenVersion.CAPABILITIES) {
                return Optional.of(List.of(HandleSite.argument(MEMORY_ARGUMENT, SubOps.XenVersion.CAPABILITIES_LENGTH, List.of())));
            }
            return Optional.of(List.of());
        }

        @Override
        public void measure(HypercallRequest<?> request, PlacementSize size, SubCalls sub) {
            throw new IllegalArgumentException("xen_version has no request type: " + request);
        }

        @Override
        public <R> PreparedCall<R> prepare(ArgumentPlacement placement, HypercallRequest<R> request, SubCalls sub) {
            throw new IllegalArgumentException("xen_version has no request type: " + request);
        }

        @Override
        public <V> V decode(ArgumentKind<V> kind, GuestCopy guest, long[] args) {
            throw new IllegalArgumentException("xen_version has no view: " + kind);
        }
    }
}
