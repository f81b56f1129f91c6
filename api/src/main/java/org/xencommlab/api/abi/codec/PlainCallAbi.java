package org.xencommlab.api.abi.codec;

import java.util.List;
import org.xencommlab.api.abi.ArgumentKind;
import org.xencommlab.api.abi.ArgumentPlacement;
import org.xencommlab.api.abi.HypercallRequest;
import org.xencommlab.api.abi.PlainCall;
import org.xencommlab.api.abi.PreparedCall;
import org.xencommlab.api.hypercall.GuestCopy;

/** {@link PlainCall}s in every form: the words pass unchanged, nothing is placed, the result is the outcome. */
public final class PlainCallAbi implements HypercallAbi {
    @Override
    public String name() {
        return "plain call";
    }

    /** Plain calls stand for no single hypercall: any number may be one. */
    @Override
    public int hypercall() {
        return -1;
    }

    @Override
    public int memoryArgument() {
        return -1;
    }

    @Override
    public List<FormCodec> codecs() {
        return List.of(new Pointer(), new Embedded());
    }

    @Override
    public List<Class<?>> requestTypes() {
        return List.of(PlainCall.class);
    }

    @Override
    public List<ArgumentKind<?>> kinds() {
        return List.of();
    }

    private static final class Pointer implements PointerCodec {
        @Override
        public void measure(HypercallRequest<?> request, PlacementSize size, SubCalls sub) {}

        @Override
        @SuppressWarnings("unchecked")
        public <R> PreparedCall<R> prepare(ArgumentPlacement placement, HypercallRequest<R> request, SubCalls sub) {
            PlainCall p = (PlainCall) request;
            return (PreparedCall<R>) new SimplePreparedCall<Long>(p.hypercall(), p.args(), result -> result);
        }

        @Override
        public <V> V decode(ArgumentKind<V> kind, GuestCopy guest, long[] args) {
            throw new IllegalArgumentException("a plain call decodes nothing");
        }
    }

    private static final class Embedded implements EmbeddedCodec {
        @Override
        public long blockBytes(HypercallRequest<?> request, int maxBlock, SubCalls sub) {
            return 0;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <R> EmbeddedCall<R> encode(HypercallRequest<R> request, int maxBlock, SubCalls sub) {
            PlainCall p = (PlainCall) request;
            return (EmbeddedCall<R>) EmbeddedCall.plain(p.hypercall(), p.args());
        }

        @Override
        public <V> V decode(ArgumentKind<V> kind, GuestCopy guest, long[] args, int maxBlock) {
            throw new IllegalArgumentException("a plain call decodes nothing");
        }
    }
}
