package org.xencommlab.api.abi.codec;

import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.GuestCopy;
import org.xencommlab.api.memory.MemoryReference;

/**
 * The guest memory a decoded hypercall argument reads and writes, as a decoder hands it to a view:
 * the memory a handle names (pointer form, every access goes to the guest), or a block the
 * hypervisor copied once (embedded form: reads come from the copy, writes go to the guest and the
 * copy). Not to be confused with the arch's descriptor or guest memory regions: this is only a
 * window a decoder opened on one argument.
 *
 * <p>Every failure is a {@link XenException} EFAULT, never another exception.
 */
public abstract class ArgumentMemory {
    ArgumentMemory() {}

    /** Reads {@code length} bytes at {@code offset} of the argument. */
    public abstract void read(long offset, byte[] dst, int dstOffset, int length);

    /** Writes {@code length} bytes at {@code offset} of the argument. */
    public abstract void write(long offset, byte[] src, int srcOffset, int length);

    /** The guest memory {@code ref} names, reached on every access. */
    public static ArgumentMemory guest(GuestCopy guest, MemoryReference ref) {
        return new GuestMemory(guest, ref);
    }

    /** A block copied once into {@code copy} from {@code ref}; writes go to both. */
    public static ArgumentMemory copiedBlock(GuestCopy guest, MemoryReference ref, byte[] copy) {
        return new CopiedBlock(guest, ref, copy);
    }

    /** {@code copy_from_guest}: EFAULT when any byte is unreachable. */
    public static void copyIn(GuestCopy guest, byte[] dst, int dstOffset, MemoryReference ref, long offset, int length) {
        if (guest.copyFromGuest(dst, dstOffset, ref, offset, length) != 0) {
            throw new XenException(XenErrno.EFAULT, "cannot read " + length + " bytes at " + ref + "+" + offset);
        }
    }

    /** {@code copy_to_guest}: EFAULT when any byte is unreachable. */
    public static void copyOut(GuestCopy guest, MemoryReference ref, long offset, byte[] src, int srcOffset, int length) {
        if (guest.copyToGuest(ref, offset, src, srcOffset, length) != 0) {
            throw new XenException(XenErrno.EFAULT, "cannot write " + length + " bytes at " + ref + "+" + offset);
        }
    }

    private static final class GuestMemory extends ArgumentMemory {
        private final GuestCopy guest;
        private final MemoryReference ref;

        GuestMemory(GuestCopy guest, MemoryReference ref) {
            this.guest = guest;
            this.ref = ref;
        }

        @Override
        public void read(long offset, byte[] dst, int dstOffset, int length) {
            copyIn(guest, dst, dstOffset, ref, offset, length);
        }

        @Override
        public void write(long offset, byte[] src, int srcOffset, int length) {
            copyOut(guest, ref, offset, src, srcOffset, length);
        }
    }

    private static final class CopiedBlock extends ArgumentMemory {
        private final GuestCopy guest;
        private final MemoryReference ref;
        private final byte[] copy;

        CopiedBlock(GuestCopy guest, MemoryReference ref, byte[] copy) {
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
        public void read(long offset, byte[] dst, int dstOffset, int length) {
            check(offset, length);
            System.arraycopy(copy, (int) offset, dst, dstOffset, length);
        }

        @Override
        public void write(long offset, byte[] src, int srcOffset, int length) {
            check(offset, length);
            copyOut(guest, ref, offset, src, srcOffset, length);
            System.arraycopy(src, srcOffset, copy, (int) offset, length);
        }
    }
}
