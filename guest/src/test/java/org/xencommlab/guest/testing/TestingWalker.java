package org.xencommlab.guest.testing;

import java.nio.ByteOrder;
import org.xencommlab.api.memory.GuestPhysicalMemory;

/**
 * A page walk written independently of the guest's code, as a hypervisor walking x86-64 tables
 * would do it: 4 levels, 9 bits each, little-endian, present bit 0, frame in bits 12..51.
 */
public final class TestingWalker {
    private TestingWalker() {}

    /** The level-0 entry for {@code va} from root frame {@code rootGfn}, or 0 if a table is missing. */
    public static long leafEntry(GuestPhysicalMemory memory, long rootGfn, long va) {
        long table = rootGfn;
        for (int level = 3; level >= 0; level--) {
            int index = (int) ((va >>> (12 + 9 * level)) & 511);
            long entry = memory.readLong(table * 4096 + index * 8L, ByteOrder.LITTLE_ENDIAN);
            if (level == 0) {
                return entry;
            }
            if ((entry & 1) == 0) {
                return 0;
            }
            table = (entry >>> 12) & ((1L << 40) - 1);
        }
        throw new AssertionError();
    }

    /** The guest-physical address {@code va} maps to, or -1 if not present. */
    public static long translate(GuestPhysicalMemory memory, long rootGfn, long va) {
        long entry = leafEntry(memory, rootGfn, va);
        if ((entry & 1) == 0) {
            return -1;
        }
        return (((entry >>> 12) & ((1L << 40) - 1)) << 12) | (va & 4095);
    }
}
