package org.xencommlab.api.abi.codec;

import org.xencommlab.api.abi.HypercallRequest;
import org.xencommlab.api.abi.layout.BlockKind;
import org.xencommlab.api.abi.layout.EmbeddedBlockHeader;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.GuestCopy;
import org.xencommlab.api.memory.MemoryReference;

/** What every embedded codec does with a block: bound it on the guest side, copy it once on the hypervisor side. */
public final class EmbeddedBlocks {
    private EmbeddedBlocks() {}

    /** {@code block}, or E2BIG when it is longer than {@code maxBlock}. */
    public static byte[] fit(byte[] block, int maxBlock, HypercallRequest<?> request) {
        if (block.length > maxBlock) {
            throw new XenException(XenErrno.E2BIG, request + " needs a block of " + block.length + " bytes, the maximum is "
                    + maxBlock + "; split it");
        }
        return block;
    }

    /** Copies a whole block once: the header first (to learn and bound the length), then the rest. */
    public static byte[] copy(GuestCopy guest, MemoryReference ref, BlockKind kind, int maxBlock) {
        byte[] header = new byte[EmbeddedBlockHeader.SIZE];
        ArgumentMemory.copyIn(guest, header, 0, ref, 0, header.length);
        EmbeddedBlockHeader decoded = EmbeddedBlockHeader.decode(header, 0, kind, maxBlock);
        byte[] block = new byte[decoded.length()];
        System.arraycopy(header, 0, block, 0, header.length);
        ArgumentMemory.copyIn(guest, block, header.length, ref, header.length, block.length - header.length);
        return block;
    }
}
