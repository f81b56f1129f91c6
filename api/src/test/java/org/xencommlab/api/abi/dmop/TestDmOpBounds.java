package org.xencommlab.api.abi.dmop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.xencommlab.api.abi.XenErrors.errnoOf;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.abi.layout.BlockKind;
import org.xencommlab.api.abi.layout.EmbeddedBlockHeader;
import org.xencommlab.api.abi.layout.LittleEndian;
import org.xencommlab.api.errno.XenErrno;

/** The dm_op decoders at the edges of every bound they check: the last accepted and first refused value. */
class TestDmOpBounds {
    @Test
    void theBufferArrayTakesZeroToTwoWholeBuffers() {
        assertThat(DmOpBuf.decodeArray(new byte[0])).isEmpty();
        assertThat(DmOpBuf.decodeArray(new byte[DmOpBuf.SIZE])).containsExactly(new DmOpBuf(0, 0));
        assertThat(DmOpBuf.decodeArray(new byte[2 * DmOpBuf.SIZE])).hasSize(2);
        assertThat(errnoOf(() -> DmOpBuf.decodeArray(new byte[3 * DmOpBuf.SIZE]))).isEqualTo(XenErrno.E2BIG);
        assertThat(errnoOf(() -> DmOpBuf.decodeArray(new byte[DmOpBuf.SIZE - 1]))).isEqualTo(XenErrno.EINVAL);
        assertThat(errnoOf(() -> DmOpBuf.decodeArray(new byte[DmOpBuf.SIZE + 1]))).isEqualTo(XenErrno.EINVAL);
    }

    @Test
    void theBufferArrayReadsEachHandleAndSizeInPlace() {
        List<DmOpBuf> bufs = List.of(new DmOpBuf(0x1122334455667788L, 16), new DmOpBuf(-8, Long.MAX_VALUE));
        byte[] bytes = DmOpBuf.encodeArray(bufs);
        assertThat(LittleEndian.u64(bytes, DmOpBuf.SIZE + DmOpBuf.SIZE_OFFSET)).isEqualTo(Long.MAX_VALUE);
        assertThat(DmOpBuf.decodeArray(bytes)).isEqualTo(bufs);
    }

    @Test
    void theOperationIsExactlySixteenBytes() {
        byte[] op = new ModifiedMemoryOp(3, 0).encode();
        assertThat(op).hasSize(ModifiedMemoryOp.SIZE);
        assertThat(ModifiedMemoryOp.decode(op)).isEqualTo(new ModifiedMemoryOp(3, 0));
        assertThat(errnoOf(() -> ModifiedMemoryOp.decode(new byte[ModifiedMemoryOp.SIZE - 1]))).isEqualTo(XenErrno.EFAULT);
        byte[] longer = new byte[ModifiedMemoryOp.SIZE + 1];
        new ModifiedMemoryOp(3, 0).encode(longer, 0);
        assertThat(errnoOf(() -> ModifiedMemoryOp.decode(longer))).isEqualTo(XenErrno.EINVAL);
    }

    @Test
    void anOperationNumberBeyondXensTableIsRefusedAsUnsupportedAsIsAnyOtherThanModifiedMemory() {
        byte[] op = new ModifiedMemoryOp(1, 0).encode();
        LittleEndian.putU32(op, ModifiedMemoryOp.OP_OFFSET, DmOp.OP_TABLE_SIZE - 1);
        assertThat(errnoOf(() -> ModifiedMemoryOp.decode(op))).isEqualTo(XenErrno.EOPNOTSUPP);
        LittleEndian.putU32(op, ModifiedMemoryOp.OP_OFFSET, DmOp.OP_TABLE_SIZE);
        assertThat(errnoOf(() -> ModifiedMemoryOp.decode(op))).isEqualTo(XenErrno.EOPNOTSUPP);
        LittleEndian.putU32(op, ModifiedMemoryOp.OP_OFFSET, -1);
        assertThat(errnoOf(() -> ModifiedMemoryOp.decode(op))).isEqualTo(XenErrno.EOPNOTSUPP);
        LittleEndian.putU32(op, ModifiedMemoryOp.OP_OFFSET, DmOp.MODIFIED_MEMORY);
        LittleEndian.putU32(op, ModifiedMemoryOp.PAD_OFFSET, 1);
        assertThat(errnoOf(() -> ModifiedMemoryOp.decode(op))).isEqualTo(XenErrno.EINVAL);
    }

    @Test
    void theOperationKeepsItsCountAndOpaqueAsUnsignedWords() {
        ModifiedMemoryOp op = ModifiedMemoryOp.decode(new ModifiedMemoryOp(-1, 7).encode());
        assertThat(op.nrExtentsUnsigned()).isEqualTo(0xFFFF_FFFFL);
        assertThat(op.opaque()).isEqualTo(7);
    }

    @Test
    void anExtentIsExactlySixteenBytesWithAZeroPad() {
        byte[] bytes = new byte[ModifiedMemoryExtent.SIZE];
        new ModifiedMemoryExtent(-2, 0x7000_0000_0000L).encode(bytes, 0);
        ModifiedMemoryExtent extent = ModifiedMemoryExtent.decode(bytes);
        assertThat(extent).isEqualTo(new ModifiedMemoryExtent(-2, 0x7000_0000_0000L));
        assertThat(extent.nrUnsigned()).isEqualTo(0xFFFF_FFFEL);
        assertThat(errnoOf(() -> ModifiedMemoryExtent.decode(new byte[ModifiedMemoryExtent.SIZE - 1]))).isEqualTo(XenErrno.EINVAL);
        assertThat(errnoOf(() -> ModifiedMemoryExtent.decode(new byte[ModifiedMemoryExtent.SIZE + 1]))).isEqualTo(XenErrno.EINVAL);
        bytes[ModifiedMemoryExtent.PAD_OFFSET + 3] = 1;
        assertThat(errnoOf(() -> ModifiedMemoryExtent.decode(bytes))).isEqualTo(XenErrno.EINVAL);
    }

    @Test
    void aBlockHoldsExactlyTheExtentsItsLengthHasRoomFor() {
        List<ModifiedMemoryExtent> two = List.of(new ModifiedMemoryExtent(1, 5), new ModifiedMemoryExtent(2, 9));
        byte[] block = DmOpBlock.encode(new ModifiedMemoryOp(2, 0), two);
        assertThat(block).hasSize(DmOpBlock.EXTENTS_OFFSET + 2 * ModifiedMemoryExtent.SIZE);
        assertThat(DmOpBlock.decode(block, block.length)).isEqualTo(new ModifiedMemoryOp(2, 0));
        assertThat(errnoOf(() -> DmOpBlock.decode(block, block.length - 8))).isEqualTo(XenErrno.E2BIG);
        assertThat(DmOpBlock.extentCapacity(block)).isEqualTo(2);
        assertThat(DmOpBlock.extentOffset(1)).isEqualTo(DmOpBlock.EXTENTS_OFFSET + ModifiedMemoryExtent.SIZE);

        // One extent more than the block has room for.
        byte[] tooMany = DmOpBlock.encode(new ModifiedMemoryOp(3, 0), two);
        assertThat(errnoOf(() -> DmOpBlock.decode(tooMany, 4096))).isEqualTo(XenErrno.EINVAL);
        // No extents at all: the smallest block.
        byte[] empty = DmOpBlock.encode(new ModifiedMemoryOp(0, 0), Collections.emptyList());
        assertThat(empty).hasSize(DmOpBlock.EXTENTS_OFFSET);
        assertThat(DmOpBlock.decode(empty, 4096)).isEqualTo(new ModifiedMemoryOp(0, 0));
    }

    @Test
    void aBlockWhoseHeaderDisagreesWithItsBytesOrWithItsExtentSizeIsRefused() {
        byte[] block = DmOpBlock.encode(new ModifiedMemoryOp(1, 0), List.of(new ModifiedMemoryExtent(1, 1)));
        byte[] longer = java.util.Arrays.copyOf(block, block.length + 8);
        assertThat(errnoOf(() -> DmOpBlock.decode(longer, 4096))).as("header length != bytes").isEqualTo(XenErrno.EINVAL);
        new EmbeddedBlockHeader(BlockKind.DM_OP, longer.length).encode(longer, 0);
        assertThat(errnoOf(() -> DmOpBlock.decode(longer, 4096))).as("half an extent").isEqualTo(XenErrno.EINVAL);
        byte[] headerOnly = new byte[DmOpBlock.EXTENTS_OFFSET - 8];
        new EmbeddedBlockHeader(BlockKind.DM_OP, headerOnly.length).encode(headerOnly, 0);
        assertThat(errnoOf(() -> DmOpBlock.decode(headerOnly, 4096))).as("no room for the op").isEqualTo(XenErrno.EINVAL);
    }

    @Test
    void maxExtentsIsWhatFitsAfterTheOperationAndNeverNegative() {
        assertThat(DmOpBlock.maxExtents(DmOpBlock.EXTENTS_OFFSET)).isZero();
        assertThat(DmOpBlock.maxExtents(DmOpBlock.EXTENTS_OFFSET + ModifiedMemoryExtent.SIZE - 1)).isZero();
        assertThat(DmOpBlock.maxExtents(DmOpBlock.EXTENTS_OFFSET + ModifiedMemoryExtent.SIZE)).isEqualTo(1);
        assertThat(DmOpBlock.maxExtents(0)).isZero();
        assertThat(DmOpBlock.maxExtents(4096)).isEqualTo((4096 - 32) / 16);
    }

    @Test
    void encodingOverOldBytesWritesTheZeroPadOfTheOperationAndOfAnExtent() {
        byte[] bytes = new byte[ModifiedMemoryOp.SIZE + ModifiedMemoryExtent.SIZE];
        java.util.Arrays.fill(bytes, (byte) 0xFF);
        new ModifiedMemoryOp(4, 0).encode(bytes, 0);
        new ModifiedMemoryExtent(4, 12).encode(bytes, ModifiedMemoryOp.SIZE);
        assertThat(ModifiedMemoryOp.decode(bytes, 0)).isEqualTo(new ModifiedMemoryOp(4, 0));
        assertThat(ModifiedMemoryExtent.decode(bytes, ModifiedMemoryOp.SIZE)).isEqualTo(new ModifiedMemoryExtent(4, 12));
    }
}
