package org.xencommlab.api.abi;

import java.util.Optional;
import org.xencommlab.api.abi.catalog.HypercallAbis;
import org.xencommlab.api.abi.codec.CodecRegistry;
import org.xencommlab.api.abi.codec.EmbeddedCall;
import org.xencommlab.api.abi.codec.EmbeddedCodec;
import org.xencommlab.api.abi.codec.PlacementSize;
import org.xencommlab.api.abi.codec.PointerCodec;

/**
 * The nested-call plumbing a strategy gives a multicall codec, built the way a strategy builds it:
 * one registry per form over every modelled hypercall ABI, each sub-call encoded by its own codec.
 */
public final class SubCallRig {
    public static final CodecRegistry<PointerCodec> POINTER = CodecRegistry.of(PointerCodec.class, HypercallAbis.all());
    public static final CodecRegistry<EmbeddedCodec> EMBEDDED = CodecRegistry.of(EmbeddedCodec.class, HypercallAbis.all());

    private SubCallRig() {}

    /** Pointer-form sub-calls: each placed by its own codec through the same placement. */
    public static PointerCodec.SubCalls pointer() {
        return new PointerCodec.SubCalls() {
            @Override
            public <R> PreparedCall<R> prepare(ArgumentPlacement placement, HypercallRequest<R> request) {
                return POINTER.encoder(request).prepare(placement, request, this);
            }

            @Override
            public void measure(HypercallRequest<?> request, PlacementSize size) {
                POINTER.encoder(request).measure(request, size, this);
            }
        };
    }

    /** Embedded-form sub-calls: each encoded by its own codec against {@code maxBlock}. */
    public static EmbeddedCodec.SubCalls embedded(int maxBlock) {
        return new EmbeddedCodec.SubCalls() {
            @Override
            public <R> EmbeddedCall<R> encode(HypercallRequest<R> request) {
                return EMBEDDED.encoder(request).encode(request, maxBlock, this);
            }

            @Override
            public long blockBytes(HypercallRequest<?> request) {
                return EMBEDDED.encoder(request).blockBytes(request, maxBlock, this);
            }
        };
    }

    /** The pointer form's handle sites of every hypercall, as a descriptor-mode kernel finds them. */
    public static HandleSiteFinder handleSites() {
        return new HandleSiteFinder() {
            @Override
            public Optional<java.util.List<HandleSite>> find(int op, long[] args, MemoryReader reader) {
                return POINTER.forHypercall(op).flatMap(codec -> codec.handleSites(args, reader, this));
            }
        };
    }
}
