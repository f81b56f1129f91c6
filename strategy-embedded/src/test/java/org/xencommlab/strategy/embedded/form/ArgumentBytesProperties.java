package org.xencommlab.strategy.embedded.form;

import org.xencommlab.strategy.pointer.form.PointerStrategy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.xencommlab.api.abi.ArgumentPlacement;
import org.xencommlab.api.abi.ArgumentStrategy;
import org.xencommlab.api.abi.HypercallRequest;
import org.xencommlab.api.abi.PlainCall;
import org.xencommlab.testkit.errno.XenErrors;
import org.xencommlab.api.abi.codec.PlacementSize;
import org.xencommlab.api.abi.console.ConsoleReadRequest;
import org.xencommlab.api.abi.console.ConsoleWriteRequest;
import org.xencommlab.api.abi.dmop.ModifiedMemoryExtent;
import org.xencommlab.api.abi.dmop.ModifiedMemoryRequest;
import org.xencommlab.api.abi.memory.ReservationRequest;
import org.xencommlab.api.abi.multicall.MulticallRequest;
import org.xencommlab.api.abi.sysctl.GetDomainInfoListRequest;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.memory.MemoryReference;

/**
 * The size query ({@link ArgumentStrategy#argumentBytes}) answers what {@link ArgumentStrategy#prepare}
 * then places, piece by piece with the buffer's alignment, without preparing: for every request
 * type, nested multicalls included, and with the same E2BIG for a request too large for one call.
 */
final class ArgumentBytesProperties {
    @Provide
    Arbitrary<ArgumentStrategy> strategies() {
        return Arbitraries.of(new PointerStrategy(), new EmbeddedStrategy(), new EmbeddedStrategy(256));
    }

    @Provide
    Arbitrary<HypercallRequest<?>> requests() {
        Arbitrary<HypercallRequest<?>> single = Arbitraries.oneOf(
                Arbitraries.integers().between(0, 700).map(n -> new ReservationRequest(1, new long[n], 0, 0, ReservationRequest.DOMID_SELF)),
                Arbitraries.integers().between(0, 5000).map(n -> new ConsoleWriteRequest(new byte[n])),
                Arbitraries.integers().between(0, 5000).map(ConsoleReadRequest::new),
                Arbitraries.integers().between(0, 60).map(n -> new GetDomainInfoListRequest(0, n)),
                Arbitraries.integers().between(0, 300).map(n -> new ModifiedMemoryRequest(1, extents(n))),
                Arbitraries.longs().array(long[].class).ofMaxSize(5).map(args -> PlainCall.of(17, args)));
        return Arbitraries.oneOf(single, single.list().ofMaxSize(4).map(calls -> new MulticallRequest(List.copyOf(calls))));
    }

    private static List<ModifiedMemoryExtent> extents(int n) {
        List<ModifiedMemoryExtent> extents = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            extents.add(new ModifiedMemoryExtent(1, 0x100 + i));
        }
        return extents;
    }

    @Property(tries = 300)
    void theSizeQueryIsWhatPrepareThenPlaces(@ForAll("strategies") ArgumentStrategy strategy,
            @ForAll("requests") HypercallRequest<?> request) {
        Counting counting = new Counting();
        Throwable prepareRefusal = catchThrowable(() -> strategy.prepare(counting, request));
        if (prepareRefusal == null) {
            assertThat(strategy.argumentBytes(request)).isEqualTo((int) counting.total);
        } else {
            assertThat(prepareRefusal).isInstanceOf(XenException.class);
            assertThat(((XenException) prepareRefusal).errno()).isEqualTo(XenErrno.E2BIG);
            assertThat(XenErrors.errnoOf(() -> strategy.argumentBytes(request))).isEqualTo(XenErrno.E2BIG);
        }
    }

    @Property(tries = 100)
    void everyPartOfASplitFitsAndKeepsTheRequestType(@ForAll("strategies") ArgumentStrategy strategy,
            @ForAll("requests") HypercallRequest<?> request) {
        for (HypercallRequest<?> part : strategy.split(request)) {
            assertThat(part).isInstanceOf(request.getClass());
            if (!(part instanceof MulticallRequest)) {
                assertThat(strategy.argumentBytes(part)).isNotNegative();
            }
        }
    }

    /** Counts as a hypercall buffer hands out slices; holds no bytes. */
    private static final class Counting implements ArgumentPlacement {
        private long total;

        @Override
        public Placed place(byte[] src, int srcOffset, int length) {
            Objects.checkFromIndexSize(srcOffset, length, src.length);
            total = PlacementSize.align(total) + length;
            return new Placed() {
                @Override
                public MemoryReference reference() {
                    return MemoryReference.NULL;
                }

                @Override
                public MemoryReference referenceAt(int offset) {
                    return MemoryReference.NULL;
                }

                @Override
                public int length() {
                    return length;
                }

                @Override
                public void write(int offset, byte[] bytes, int bytesOffset, int n) {}

                @Override
                public void read(int offset, byte[] dst, int dstOffset, int n) {
                    throw new XenException(XenErrno.EFAULT, "a counting placement holds no bytes");
                }
            };
        }
    }
}
