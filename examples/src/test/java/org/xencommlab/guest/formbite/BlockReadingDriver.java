package org.xencommlab.guest.formbite;

import org.xencommlab.api.abi.layout.EmbeddedBlockHeader;
import org.xencommlab.api.abi.layout.LittleEndian;

/**
 * Test fixture in a guest package: a driver that reads an embedded block's header itself, as
 * privcmd's separate embedded ioctl once did, which the strategy-neutrality rule forbids (never
 * production code).
 */
public final class BlockReadingDriver {
    private BlockReadingDriver() {}

    public static long blockLength(byte[] userBytes, int maxBlock) {
        long length = LittleEndian.u32(userBytes, EmbeddedBlockHeader.LENGTH_OFFSET);
        return Math.min(length, EmbeddedBlockHeader.checkMaxBlock(maxBlock));
    }
}
