package org.xencommlab.examples.wiring;

import java.util.List;
import org.xencommlab.api.abi.ArgumentKind;
import org.xencommlab.api.abi.ArgumentPlacement;
import org.xencommlab.api.abi.ArgumentStrategy;
import org.xencommlab.api.abi.HandleSiteFinder;
import org.xencommlab.api.abi.HypercallRequest;
import org.xencommlab.api.abi.PreparedCall;
import org.xencommlab.api.abi.StrategyPlugin;
import org.xencommlab.api.abi.catalog.HypercallAbis;
import org.xencommlab.api.abi.codec.CodecRegistry;
import org.xencommlab.api.abi.codec.PlacementSize;
import org.xencommlab.api.abi.codec.PointerCodec;
import org.xencommlab.api.abi.layout.AbiForm;
import org.xencommlab.api.hypercall.GuestCopy;
import org.xencommlab.api.plugin.Parameters;

/**
 * A third strategy that exists only on a test class path: written from scratch on the SPI and the
 * per-hypercall codec registry (it shares no code with the built-in strategies), to show that a
 * strategy added to the class path is discovered, wired and run with no other change.
 */
public final class TestingRegistryStrategyPlugin implements StrategyPlugin {
    @Override
    public String name() {
        return "testing-registry";
    }

    @Override
    public String description() {
        return "a third strategy built on the codec registry alone";
    }

    @Override
    public ArgumentStrategy create(Parameters parameters) {
        return new RegistryStrategy();
    }

    private static final class RegistryStrategy implements ArgumentStrategy {
        private final CodecRegistry<PointerCodec> codecs = CodecRegistry.of(PointerCodec.class, HypercallAbis.all());
        /** Each hypercall's handle sites, declared in its ABI package, found by number. */
        private final HandleSiteFinder handleSites = new HandleSiteFinder() {
            @Override
            public java.util.Optional<List<org.xencommlab.api.abi.HandleSite>> find(int op, long[] args, MemoryReader reader) {
                return codecs.forHypercall(op).flatMap(codec -> codec.handleSites(args, reader, this));
            }
        };
        private final PointerCodec.SubCalls sub = new PointerCodec.SubCalls() {
            @Override
            public <R> PreparedCall<R> prepare(ArgumentPlacement placement, HypercallRequest<R> request) {
                return codecs.encoder(request).prepare(placement, request, this);
            }

            @Override
            public void measure(HypercallRequest<?> request, PlacementSize size) {
                codecs.encoder(request).measure(request, size, this);
            }
        };

        @Override
        public String name() {
            return "testing-registry";
        }

        @Override
        public AbiForm form() {
            return AbiForm.POINTER;
        }

        @Override
        public <Q extends HypercallRequest<?>> List<Q> split(Q request) {
            return codecs.encoder(request).split(request);
        }

        @Override
        public int argumentBytes(HypercallRequest<?> request) {
            PlacementSize size = new PlacementSize();
            sub.measure(request, size);
            return Math.toIntExact(size.total());
        }

        @Override
        public <R> PreparedCall<R> prepare(ArgumentPlacement placement, HypercallRequest<R> request) {
            return sub.prepare(placement, request);
        }

        @Override
        public HandleSiteFinder handleSites() {
            return handleSites;
        }

        @Override
        public <V> V decode(ArgumentKind<V> kind, GuestCopy guest, long[] args) {
            return codecs.decoder(kind).decode(kind, guest, args);
        }
    }
}
