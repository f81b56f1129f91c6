package org.xencommlab.api.abi.strategy;

import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.hypercall.GuestCopy;

/**
 * Guest memory a decoded request reads and writes: the memory a handle names (pointer form), or a
 * block the hypervisor copied once (embedded form: reads come from the copy, writes go to the guest).
 */
abstract class Region {
    abstract void read(long offset, byte[] dst, int dstOffset, int length);

    abstract void write(long offset, byte[] src, int srcOffset, int length);

    static Region guest(GuestCopy guest, MemoryReference ref) {
        return new GuestMemory(guest, ref);
    }

    static Region block(GuestCopy guest, MemoryReference ref, byte[] copy) {
        return new Block(guest, ref, copy);
    }

    static void copyIn(GuestCopy guest, byte[] dst, int dstOffset, MemoryReference ref, long offset, int length) {
        if (guest.copyFromGuest(dst, dstOffset, ref, offset, length) != 0) {
            throw new XenException(XenErrno.EFAULT, "cannot read " + length + " bytes at " + ref + "+" + offset);
        }
    }

    static void copyOut(GuestCopy guest, MemoryReference ref, long offset, byte[] src, int srcOffset, int length) {
        if (guest.copyToGuest(ref, offset, src, srcOffset, length) != 0) {
            throw new XenException(XenErrno.EFAULT, "cannot write " + length + " bytes at " + ref + "+" + offset);
        }
    }

    private static final class GuestMemory extends Region {
        private final GuestCopy guest;
        private final MemoryReference ref;

        GuestMemory(GuestCopy guest, MemoryReference ref) {
            this.guest = guest;
            this.ref = ref;
        }

        @Override
        void read(long offset, byte[] dst, int dstOffset, int length) {
            copyIn(guest, dst, dstOffset, ref, offset, length);
        }

        @Override
        void write(long offset, byte[] src, int srcOffset, int length) {
            copyOut(guest, ref, offset, src, srcOffset, length);
        }
    }

    private static final class Block extends Region {
        private final GuestCopy guest;
        private final MemoryReference ref;
        private final byte[] copy;

        Block(GuestCopy guest, MemoryReference ref, byte[] copy) {
            this.guest = guest;
            this.ref = ref;
            this.copy = copy;
        }

        private void check(long offset, int length) {
            if (offset < 0 || length < 0 || offset > copy.length - (long) length) {
                throw new XenException(XenErrno.EFAULT, "offset " + offset + "+" + length + " beyond a block of " + copy.length);
            }
        }

        @Override
        void read(long offset, byte[] dst, int dstOffset, int length) {
            check(offset, length);
            System.arraycopy(copy, (int) offset, dst, dstOffset, length);
        }

        @Override
        void write(long offset, byte[] src, int srcOffset, int length) {
            check(offset, length);
            copyOut(guest, ref, offset, src, srcOffset, length);
            System.arraycopy(src, srcOffset, copy, (int) offset, length);
        }
    }
}
