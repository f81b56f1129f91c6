package org.xencommlab.api.abi.console;

import java.util.List;
import org.xencommlab.api.abi.layout.AbiForm;
import org.xencommlab.api.abi.layout.BlockKind;
import org.xencommlab.api.abi.layout.EmbeddedBlockHeader;
import org.xencommlab.api.abi.layout.Field;
import org.xencommlab.api.abi.layout.StructLayout;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;

/**
 * {@code console_io}: {@code HYPERVISOR_console_io(cmd, count, buffer)} (xen/drivers/char/console.c).
 * There is no structure, only a byte buffer.
 *
 * <p>Argument words: {@code args[0]} is the command ({@code CONSOLEIO_write} 0,
 * {@code CONSOLEIO_read} 1), {@code args[1]} the byte count (unsigned int), {@code args[2]} the
 * buffer (pointer form) or the block (embedded form), {@code args[3]} the bytes already done, 0 on
 * the guest's call. Xen continues a long write by advancing the handle and lowering the count; in
 * the lab the reference is opaque to the hypervisor, so the progress travels in the spare fourth word.
 *
 * <p>Embedded form:
 * <pre>
 * offset size  field   type
 *      0   16  header  embedded_block_header, kind 3
 *     16 count bytes   the bytes to write, or room for the bytes read
 * </pre>
 * The block's length must be exactly {@code 16 + count}.
 */
public final class ConsoleIo {
    /** Xen writes from a 128-byte kernel buffer, one byte kept for the terminating NUL. */
    public static final int WRITE_CHUNK = 127;
    /** {@code CONSOLEIO_read} refuses counts above {@code INT_MAX} with E2BIG. */
    public static final long MAX_READ_COUNT = Integer.MAX_VALUE;
    public static final int DATA_OFFSET = EmbeddedBlockHeader.SIZE;

    public static final StructLayout POINTER_LAYOUT = new StructLayout("console_io_buffer", AbiForm.POINTER, List.of(
            Field.variableArray("bytes", 0, 1, "count bytes; argument 2 names them")), 0, 1);

    public static final StructLayout EMBEDDED_LAYOUT = new StructLayout("console_io_buffer", AbiForm.EMBEDDED, List.of(
            Field.array("header", 0, 1, EmbeddedBlockHeader.SIZE, "embedded_block_header, kind 3"),
            Field.variableArray("bytes", DATA_OFFSET, 1, "count bytes, in (write) or out (read)")), DATA_OFFSET, 8);

    private ConsoleIo() {}

    /** The most bytes one block of {@code maxBlock} bytes carries. */
    public static int maxBytes(int maxBlock) {
        return Math.max(0, maxBlock - DATA_OFFSET);
    }

    /** A block carrying {@code length} bytes of {@code data} from {@code offset} (zeros when {@code data} is null). */
    public static byte[] encodeBlock(byte[] data, int offset, int length) {
        byte[] block = new byte[DATA_OFFSET + length];
        new EmbeddedBlockHeader(BlockKind.CONSOLE_IO, block.length).encode(block, 0);
        if (data != null) {
            System.arraycopy(data, offset, block, DATA_OFFSET, length);
        }
        return block;
    }

    /**
     * Validates a block's header (the first 16 bytes, copied into the hypervisor) against the
     * {@code count} argument.
     *
     * @throws XenException EINVAL for a bad header or a length other than {@code 16 + count}; E2BIG
     *     for a block above {@code maxBlock}
     */
    public static void checkBlockHeader(byte[] header, int maxBlock, long count) {
        EmbeddedBlockHeader decoded = EmbeddedBlockHeader.decode(header, 0, BlockKind.CONSOLE_IO, maxBlock);
        if (decoded.length() != DATA_OFFSET + count) {
            throw new XenException(XenErrno.EINVAL, "console block of " + decoded.length() + " bytes for a count of " + count);
        }
    }
}
