package org.xencommlab.arch.ppc.guest;

import org.xencommlab.api.memory.GuestPhysicalMemory;
import org.xencommlab.api.memory.PageSize;

/** Bulk copies between a byte array and guest-physical memory, one page piece per access. */
final class PhysicalBytes {
    private PhysicalBytes() {}

    static void write(GuestPhysicalMemory memory, long address, byte[] src, int srcOffset, int length) {
        PageSize pageSize = memory.pageSize();
        int done = 0;
        while (done < length) {
            int piece = Math.min(length - done, pageSize.bytesToPageEnd(address + done));
            memory.write(address + done, src, srcOffset + done, piece);
            done += piece;
        }
    }

    static void read(GuestPhysicalMemory memory, long address, byte[] dst, int dstOffset, int length) {
        PageSize pageSize = memory.pageSize();
        int done = 0;
        while (done < length) {
            int piece = Math.min(length - done, pageSize.bytesToPageEnd(address + done));
            memory.read(address + done, dst, dstOffset + done, piece);
            done += piece;
        }
    }
}
