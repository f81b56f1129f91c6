package org.xencommlab.strategy.pointer.form;

import java.util.List;
import org.xencommlab.api.abi.ArgumentKind;
import org.xencommlab.api.abi.ArgumentPlacement;
import org.xencommlab.api.abi.ArgumentStrategy;
import org.xencommlab.api.abi.HandleSiteFinder;
import org.xencommlab.api.abi.HypercallRequest;
import org.xencommlab.api.abi.PreparedCall;
import org.xencommlab.api.abi.catalog.HypercallAbis;
import org.xencommlab.api.abi.codec.CodecRegistry;
import org.xencommlab.api.abi.codec.PlacementSize;
import org.xencommlab.api.abi.codec.PointerCodec;
import org.xencommlab.api.abi.layout.AbiForm;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.GuestCopy;

/**
 * The {@code pointer} strategy: structures hold guest handles to their arrays, laid out as Xen's
 * public headers lay them out on x86-64. The guest places each structure and each array
 * separately; the hypervisor copies each fixed structure once and reaches arrays one element at a
 * time through the handles. It knows no hypercall itself: each one's {@link PointerCodec} comes
 * from the registry. Stateless.
 */
public final class PointerStrategy implements ArgumentStrategy {
    public static final String NAME = "pointer";

    private final CodecRegistry<PointerCodec> codecs = CodecRegistry.of(PointerCodec.class, HypercallAbis.all());
    private final HandleSiteFinder handleSites = new PointerHandleSites(codecs);
    private final PointerCodec.SubCalls subCalls = new PointerCodec.SubCalls() {
        @Override
        public <R> PreparedCall<R> prepare(ArgumentPlacement placement, HypercallRequest<R> request) {
            return PointerStrategy.this.prepare(placement, request);
        }

        @Override
        public void measure(HypercallRequest<?> request, PlacementSize size) {
            codecs.encoder(request).measure(request, size, this);
        }
    };

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public AbiForm form() {
        return AbiForm.POINTER;
    }

    @Override
    public boolean followsXenArgumentWords() {
        return true;
    }

    @Override
    public HandleSiteFinder handleSites() {
        return handleSites;
    }

    @Override
    public <Q extends HypercallRequest<?>> List<Q> split(Q request) {
        return codecs.encoder(request).split(request);
    }

    @Override
    public int argumentBytes(HypercallRequest<?> request) {
        PlacementSize size = new PlacementSize();
        subCalls.measure(request, size);
        if (size.total() > Integer.MAX_VALUE) {
            throw new XenException(XenErrno.E2BIG, request + " needs " + size.total() + " bytes of arguments");
        }
        return (int) size.total();
    }

    @Override
    public <R> PreparedCall<R> prepare(ArgumentPlacement placement, HypercallRequest<R> request) {
        return codecs.encoder(request).prepare(placement, request, subCalls);
    }

    @Override
    public <V> V decode(ArgumentKind<V> kind, GuestCopy guest, long[] args) {
        return codecs.decoder(kind).decode(kind, guest, args);
    }
}
