package org.xencommlab.arch.cvm.guest;

import org.xencommlab.api.memory.GuestPhysicalMemory;

/** Kernel loads and stores of guest-physical ranges, cut at page boundaries. */
final class PhysicalCopy {
    private PhysicalCopy() {}

    static void write(GuestPhysicalMemory memory, long address, byte[] src, int srcOffset, int length) {
        int page = memory.pageSize().bytes();
        int done = 0;
        while (done < length) {
            long at = address + done;
            int n = (int) Math.min(length - done, page - (at & (page - 1)));
            memory.write(at, src, srcOffset + done, n);
            done += n;
        }
    }

    static void read(GuestPhysicalMemory memory, long address, byte[] dst, int dstOffset, int length) {
        int page = memory.pageSize().bytes();
        int done = 0;
        while (done < length) {
            long at = address + done;
            int n = (int) Math.min(length - done, page - (at & (page - 1)));
            memory.read(at, dst, dstOffset + done, n);
            done += n;
        }
    }
}
