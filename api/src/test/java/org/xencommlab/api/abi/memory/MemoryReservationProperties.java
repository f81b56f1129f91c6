package org.xencommlab.api.abi.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.xencommlab.api.abi.XenErrors;
import org.xencommlab.api.abi.layout.EmbeddedBlockHeader;
import org.xencommlab.api.abi.layout.LittleEndian;
import org.xencommlab.api.errno.XenErrno;

final class MemoryReservationProperties {
    @Provide
    Arbitrary<ReservationRequest> requests() {
        return Arbitraries.of(0, 1, 6).flatMap(op -> Arbitraries.longs().array(long[].class).ofMaxSize(300).flatMap(extents ->
                Arbitraries.integers().between(0, 20).flatMap(order ->
                        Arbitraries.integers().flatMap(flags ->
                                Arbitraries.integers().between(0, 0xFFFF).map(domid ->
                                        new ReservationRequest(op, extents, order, flags, domid))))));
    }

    @Property(tries = 200)
    void pointerFormRoundTrips(@ForAll long extentStart, @ForAll @IntRange(min = 0, max = 0x3FFFFFF) int nrExtents,
            @ForAll int order, @ForAll int flags, @ForAll @IntRange(min = 0, max = 0xFFFF) int domid) {
        MemoryReservation reservation = new MemoryReservation(extentStart, nrExtents, order, flags, domid);
        byte[] bytes = reservation.encodePointer();
        assertThat(bytes).hasSize(32);
        assertThat(LittleEndian.u64(bytes, 0)).isEqualTo(extentStart);
        assertThat(LittleEndian.u64(bytes, 8)).isEqualTo(nrExtents);
        assertThat(LittleEndian.u16(bytes, 24)).isEqualTo(domid);
        assertThat(MemoryReservation.decodePointer(bytes)).isEqualTo(reservation);
    }

    @Property(tries = 300)
    void anyBytesDecodeInPointerFormOrAreRefused(@ForAll @Size(max = 40) byte[] bytes) {
        XenErrors.decodesOrRefuses(() -> {
            MemoryReservation r = MemoryReservation.decodePointer(bytes);
            assertThat(Long.compareUnsigned(r.nrExtents(), ReservationLimits.MAX_NR_EXTENTS)).isLessThanOrEqualTo(0);
        }, XenErrno.EINVAL, XenErrno.E2BIG);
    }

    @Property(tries = 300)
    void any32BytesDecodeOrAreE2big(@ForAll @Size(value = 32) byte[] bytes) {
        XenErrors.decodesOrRefuses(() -> MemoryReservation.decodePointer(bytes), XenErrno.E2BIG);
    }

    @Property(tries = 200)
    void embeddedFormRoundTrips(@ForAll("requests") ReservationRequest request) {
        byte[] block = ReservationBlock.encode(request);
        assertThat(block).hasSize(40 + 8 * request.nrExtents());
        MemoryReservation decoded = ReservationBlock.decode(block, 1 << 20);
        assertThat(decoded).isEqualTo(new MemoryReservation(0, request.nrExtents(), request.extentOrder(), request.memFlags(), request.domid()));
        long[] extents = LongStream.range(0, request.nrExtents())
                .map(i -> LittleEndian.u64(block, (int) ReservationBlock.extentOffset(i))).toArray();
        assertThat(extents).isEqualTo(request.extents());
    }

    @Property(tries = 300)
    void anyBytesDecodeAsABlockOrAreRefused(@ForAll @Size(max = 120) byte[] bytes, @ForAll boolean withHeader) {
        if (withHeader && bytes.length >= 16) {
            // Give the fuzzer a valid header so that it reaches the fixed fields.
            new org.xencommlab.api.abi.layout.EmbeddedBlockHeader(org.xencommlab.api.abi.layout.BlockKind.MEMORY_RESERVATION,
                    bytes.length).encode(bytes, 0);
        }
        XenErrors.decodesOrRefuses(() -> {
            MemoryReservation r = ReservationBlock.decode(bytes, EmbeddedBlockHeader.DEFAULT_MAX_BLOCK);
            assertThat(40 + 8 * r.nrExtents()).isEqualTo(bytes.length);
        }, XenErrno.EINVAL, XenErrno.E2BIG);
    }

    @Property(tries = 100)
    void aTruncatedOrExtendedBlockIsRefused(@ForAll("requests") ReservationRequest request, @ForAll @IntRange(min = 1, max = 16) int delta,
            @ForAll boolean longer) {
        byte[] block = ReservationBlock.encode(request);
        byte[] changed = Arrays.copyOf(block, longer ? block.length + delta : Math.max(0, block.length - delta));
        assertThat(XenErrors.errnoOf(() -> ReservationBlock.decode(changed, 1 << 20))).isEqualTo(XenErrno.EINVAL);
    }

    @Property(tries = 200)
    void splittingConcatenatesToTheOriginal(@ForAll("requests") ReservationRequest request, @ForAll @IntRange(min = 1, max = 64) int max) {
        List<ReservationRequest> parts = request.split(max);
        assertThat(parts).allSatisfy(p -> {
            assertThat(p.nrExtents()).isLessThanOrEqualTo(max);
            assertThat(p.op()).isEqualTo(request.op());
            assertThat(p.extentOrder()).isEqualTo(request.extentOrder());
            assertThat(p.memFlags()).isEqualTo(request.memFlags());
            assertThat(p.domid()).isEqualTo(request.domid());
        });
        long[] joined = parts.stream().flatMapToLong(p -> Arrays.stream(p.extents())).toArray();
        assertThat(joined).isEqualTo(request.extents());
        assertThat(parts).hasSize(Math.max(1, (request.nrExtents() + max - 1) / max));
    }

    @Property(tries = 200)
    void theCommandWordRoundTrips(@ForAll @IntRange(min = 0, max = 63) int op, @ForAll long cmd) {
        assertThat(MemoryOpCommand.decode(cmd).encode()).isEqualTo(cmd);
        assertThat(MemoryOpCommand.decode(new MemoryOpCommand(op, 12345).encode())).isEqualTo(new MemoryOpCommand(op, 12345));
    }

    @Property(tries = 200)
    void countChecksFollowDoMemoryOp(@ForAll long nrExtents, @ForAll long start) {
        boolean tooMany = Long.compareUnsigned(nrExtents, 0x3FFFFFFL) > 0;
        boolean startPastEnd = Long.compareUnsigned(start, nrExtents) >= 0;
        if (tooMany) {
            assertThat(XenErrors.errnoOf(() -> ReservationLimits.checkCounts(nrExtents, start))).isEqualTo(XenErrno.E2BIG);
        } else if (startPastEnd) {
            assertThat(XenErrors.errnoOf(() -> ReservationLimits.checkCounts(nrExtents, start))).isEqualTo(XenErrno.EINVAL);
        } else {
            ReservationLimits.checkCounts(nrExtents, start);
        }
    }

    @Property(tries = 50)
    void ordersAboveTheMaximumAreRefused(@ForAll int order, @ForAll boolean control) {
        int max = ReservationLimits.maxOrder(control);
        if (Integer.toUnsignedLong(order) > max) {
            assertThat(XenErrors.errnoOf(() -> ReservationLimits.checkOrder(order, max))).isEqualTo(XenErrno.EINVAL);
        } else {
            ReservationLimits.checkOrder(order, max);
        }
    }
}
