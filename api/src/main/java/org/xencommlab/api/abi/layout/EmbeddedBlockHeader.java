package org.xencommlab.api.abi.layout;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;

/**
 * The 16-byte header that starts every embedded-form block, so that a block says what it is and how
 * long it is, and a truncated, oversized or foreign block is refused before anything else is read.
 *
 * <pre>
 * offset size field     meaning
 *      0    4 magic     {@link #MAGIC} ("XEMB" in memory order)
 *      4    2 version   {@link #VERSION}
 *      6    2 kind      {@link BlockKind#code()}
 *      8    4 length    bytes of the whole block, header included
 *     12    4 reserved  must be zero
 * </pre>
 *
 * <p>A block's length is at most the strategy's maximum block size ({@link #DEFAULT_MAX_BLOCK}
 * unless configured); a request that does not fit is split by the caller into several hypercalls.
 *
 * @param kind the structure the block carries
 * @param length bytes of the whole block, header included
 */
public record EmbeddedBlockHeader(BlockKind kind, int length) {
    /** "XEMB" read as a little-endian u32. */
    public static final int MAGIC = 0x424D4558;
    public static final int VERSION = 1;
    public static final int SIZE = 16;
    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 4;
    public static final int KIND_OFFSET = 6;
    public static final int LENGTH_OFFSET = 8;
    public static final int RESERVED_OFFSET = 12;
    /** The default maximum block size: one 4 KiB page. */
    public static final int DEFAULT_MAX_BLOCK = 4096;
    /** The smallest maximum a configuration may set (room for a header and a useful payload). */
    public static final int SMALLEST_MAX_BLOCK = 256;
    /** The largest maximum a configuration may set: 1 MiB. */
    public static final int LARGEST_MAX_BLOCK = 1 << 20;

    public static final StructLayout LAYOUT = new StructLayout("embedded_block_header", AbiForm.EMBEDDED, List.of(
            Field.u32("magic", MAGIC_OFFSET, "0x424D4558, \"XEMB\""),
            Field.u16("version", VERSION_OFFSET, "1"),
            Field.u16("kind", KIND_OFFSET, "1 reservation, 2 multicall, 3 console_io, 4 getdomaininfolist, 5 dm_op"),
            Field.u32("length", LENGTH_OFFSET, "whole block, header included"),
            Field.u32("reserved", RESERVED_OFFSET, "must be zero")), SIZE, 8);

    public EmbeddedBlockHeader {
        requireNonNull(kind, "kind is null");
        if (length < SIZE) {
            throw new IllegalArgumentException("block shorter than its header: " + length);
        }
    }

    /** Writes this header at {@code offset} of {@code block}. */
    public void encode(byte[] block, int offset) {
        LittleEndian.putU32(block, offset + MAGIC_OFFSET, MAGIC);
        LittleEndian.putU16(block, offset + VERSION_OFFSET, VERSION);
        LittleEndian.putU16(block, offset + KIND_OFFSET, kind.code());
        LittleEndian.putU32(block, offset + LENGTH_OFFSET, length);
        LittleEndian.putU32(block, offset + RESERVED_OFFSET, 0);
    }

    /**
     * Decodes and checks the header at {@code offset} of {@code bytes} (a hypervisor copy).
     *
     * @throws XenException EINVAL for too few bytes, a wrong magic, version, kind, a non-zero
     *     reserved field or a length shorter than the header; E2BIG for a length above {@code maxBlock}
     */
    public static EmbeddedBlockHeader decode(byte[] bytes, int offset, BlockKind expected, int maxBlock) {
        if (offset < 0 || bytes.length - offset < SIZE) {
            throw new XenException(XenErrno.EINVAL, "embedded block shorter than its header");
        }
        if (LittleEndian.u32Bits(bytes, offset + MAGIC_OFFSET) != MAGIC) {
            throw new XenException(XenErrno.EINVAL, "embedded block has a bad magic");
        }
        if (LittleEndian.u16(bytes, offset + VERSION_OFFSET) != VERSION) {
            throw new XenException(XenErrno.EINVAL, "embedded block has an unknown version");
        }
        int code = LittleEndian.u16(bytes, offset + KIND_OFFSET);
        if (code != expected.code()) {
            throw new XenException(XenErrno.EINVAL, "embedded block of kind " + code + " where " + expected + " is expected");
        }
        if (LittleEndian.u32Bits(bytes, offset + RESERVED_OFFSET) != 0) {
            throw new XenException(XenErrno.EINVAL, "embedded block header reserved field is not zero");
        }
        long length = LittleEndian.u32(bytes, offset + LENGTH_OFFSET);
        if (length < SIZE) {
            throw new XenException(XenErrno.EINVAL, "embedded block length " + length + " is shorter than its header");
        }
        if (length > maxBlock) {
            throw new XenException(XenErrno.E2BIG, "embedded block of " + length + " bytes exceeds the maximum " + maxBlock);
        }
        return new EmbeddedBlockHeader(expected, (int) length);
    }

    /** Checks a configured maximum block size. */
    public static int checkMaxBlock(long maxBlock) {
        if (maxBlock < SMALLEST_MAX_BLOCK || maxBlock > LARGEST_MAX_BLOCK || maxBlock % 8 != 0) {
            throw new IllegalArgumentException("max-block must be a multiple of 8 between " + SMALLEST_MAX_BLOCK
                    + " and " + LARGEST_MAX_BLOCK + ": " + maxBlock);
        }
        return (int) maxBlock;
    }
}
