package org.xencommlab.api.abi.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.xencommlab.api.abi.XenErrors.errnoOf;

import org.junit.jupiter.api.Test;
import org.xencommlab.api.abi.layout.LittleEndian;
import org.xencommlab.api.errno.XenErrno;

/** The reservation decoders and limits at the edges of every bound they check. */
class TestReservationBounds {
    private static final long MAX = ReservationLimits.MAX_NR_EXTENTS;

    @Test
    void theCountLimitIsWhatAContinuationCanEncode() {
        assertThat(MAX).isEqualTo(0xFFFF_FFFFL >>> 6);
        assertThatCode(() -> ReservationLimits.checkCounts(MAX, MAX - 1)).doesNotThrowAnyException();
        assertThat(errnoOf(() -> ReservationLimits.checkCounts(MAX + 1, 0))).isEqualTo(XenErrno.E2BIG);
        assertThat(errnoOf(() -> ReservationLimits.checkCounts(-1, 0))).as("unsigned").isEqualTo(XenErrno.E2BIG);
        assertThat(errnoOf(() -> ReservationLimits.checkCounts(5, 5))).isEqualTo(XenErrno.EINVAL);
        assertThatCode(() -> ReservationLimits.checkCounts(5, 4)).doesNotThrowAnyException();
        assertThat(errnoOf(() -> ReservationLimits.checkCounts(5, -1))).as("a negative start is a huge unsigned one").isEqualTo(XenErrno.EINVAL);
        assertThat(errnoOf(() -> ReservationLimits.checkCounts(0, 0))).isEqualTo(XenErrno.EINVAL);
    }

    @Test
    void theOrderLimitIsInclusiveAndUnsigned() {
        assertThatCode(() -> ReservationLimits.checkOrder(9, 9)).doesNotThrowAnyException();
        assertThat(errnoOf(() -> ReservationLimits.checkOrder(10, 9))).isEqualTo(XenErrno.EINVAL);
        assertThat(errnoOf(() -> ReservationLimits.checkOrder(-1, 9))).isEqualTo(XenErrno.EINVAL);
        assertThat(ReservationLimits.maxOrder(true)).isEqualTo(ReservationLimits.CTLDOM_MAX_ORDER);
        assertThat(ReservationLimits.maxOrder(false)).isEqualTo(ReservationLimits.DOMU_MAX_ORDER);
    }

    @Test
    void thePointerStructIsExactlyThirtyTwoBytesWithAtMostTheLimitOfExtents() {
        MemoryReservation r = new MemoryReservation(0x1000, MAX, 9, 3, 0xFFFF);
        byte[] bytes = r.encodePointer();
        assertThat(bytes).hasSize(MemoryReservation.SIZE);
        assertThat(MemoryReservation.decodePointer(bytes)).isEqualTo(r);
        assertThat(LittleEndian.u16(bytes, MemoryReservation.DOMID_OFFSET)).isEqualTo(0xFFFF);
        assertThat(LittleEndian.u32(bytes, MemoryReservation.MEM_FLAGS_OFFSET)).isEqualTo(3);
        LittleEndian.putU64(bytes, MemoryReservation.NR_EXTENTS_OFFSET, MAX + 1);
        assertThat(errnoOf(() -> MemoryReservation.decodePointer(bytes))).isEqualTo(XenErrno.E2BIG);
        assertThat(errnoOf(() -> MemoryReservation.decodePointer(new byte[31]))).isEqualTo(XenErrno.EINVAL);
        assertThat(errnoOf(() -> MemoryReservation.decodePointer(new byte[33]))).isEqualTo(XenErrno.EINVAL);
        assertThatThrownBy(() -> new MemoryReservation(0, 0, 0, 0, 0x10000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MemoryReservation(0, 0, 0, 0, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aBlockHoldsExactlyItsExtentsAndItsFieldsWhereTheLayoutSays() {
        ReservationRequest request = new ReservationRequest(0, new long[] {7, 8, 9}, 2, 0x100, 5);
        byte[] block = ReservationBlock.encode(request);
        assertThat(block).hasSize(ReservationBlock.EXTENTS_OFFSET + 3 * 8);
        MemoryReservation r = ReservationBlock.decode(block, block.length);
        assertThat(r).isEqualTo(new MemoryReservation(0, 3, 2, 0x100, 5));
        assertThat(LittleEndian.u64(block, (int) ReservationBlock.extentOffset(2))).isEqualTo(9);
        assertThat(errnoOf(() -> ReservationBlock.decode(block, block.length - 8))).isEqualTo(XenErrno.E2BIG);

        byte[] one = block.clone();
        LittleEndian.putU64(one, ReservationBlock.NR_EXTENTS_OFFSET, 2);
        assertThat(errnoOf(() -> ReservationBlock.decode(one, 4096))).as("fewer extents than room").isEqualTo(XenErrno.EINVAL);
        LittleEndian.putU64(one, ReservationBlock.NR_EXTENTS_OFFSET, 4);
        assertThat(errnoOf(() -> ReservationBlock.decode(one, 4096))).as("more extents than room").isEqualTo(XenErrno.EINVAL);
        LittleEndian.putU64(one, ReservationBlock.NR_EXTENTS_OFFSET, MAX);
        assertThat(errnoOf(() -> ReservationBlock.decode(one, 4096))).as("the largest count, but not this block's").isEqualTo(XenErrno.EINVAL);
        LittleEndian.putU64(one, ReservationBlock.NR_EXTENTS_OFFSET, MAX + 1);
        assertThat(errnoOf(() -> ReservationBlock.decode(one, 4096))).isEqualTo(XenErrno.E2BIG);

        for (int pad = ReservationBlock.PAD_OFFSET; pad < ReservationBlock.EXTENTS_OFFSET; pad++) {
            byte[] padded = block.clone();
            padded[pad] = 1;
            assertThat(errnoOf(() -> ReservationBlock.decode(padded, 4096))).as("pad byte %d", pad).isEqualTo(XenErrno.EINVAL);
        }
    }

    @Test
    void anEmptyBlockIsTheSmallestAndMaxExtentsIsNeverNegative() {
        byte[] empty = ReservationBlock.encode(new ReservationRequest(0, new long[0], 0, 0, 0));
        assertThat(empty).hasSize(ReservationBlock.EXTENTS_OFFSET);
        assertThat(ReservationBlock.decode(empty, 4096).nrExtents()).isZero();
        assertThat(ReservationBlock.maxExtents(ReservationBlock.EXTENTS_OFFSET + 7)).isZero();
        assertThat(ReservationBlock.maxExtents(ReservationBlock.EXTENTS_OFFSET + 8)).isEqualTo(1);
        assertThat(ReservationBlock.maxExtents(0)).isZero();
        assertThat(ReservationBlock.maxExtents(4096)).isEqualTo((4096 - 40) / 8);
    }
}
