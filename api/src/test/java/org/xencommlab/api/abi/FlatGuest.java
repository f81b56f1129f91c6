package org.xencommlab.api.abi;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.xencommlab.api.abi.codec.EmbeddedCall;
import org.xencommlab.api.abi.layout.LittleEndian;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.GuestCopy;
import org.xencommlab.api.memory.MemoryReference;

/**
 * A guest for api's codec tests: one run of real bytes at guest addresses {@link #BASE} up to
 * {@link #end()}, where a reference is a plain address. Both halves of a call meet in it: the guest
 * side places pieces ({@link ArgumentPlacement}, a bump allocator at 8-byte steps, ENOSPC when
 * full), the hypervisor side copies through {@link GuestCopy} (a copy stops at the first byte
 * outside the run and reports the rest, as Xen's copies do), and the kernel side of a tool's call
 * reads through {@link #userKernel}. {@code accessOk} accepts exactly the ranges inside the run (and
 * any empty one) and records each question.
 *
 * <p>The test kit has richer guests for the modules above api; api's tests cannot use them (the
 * test kit depends on api), so this small one lives here.
 */
public final class FlatGuest implements GuestCopy, ArgumentPlacement {
    /** The first guest address; 0 (NULL) and everything below are outside. */
    public static final long BASE = 0x10_0000L;

    private final byte[] memory;
    private int next;
    private final List<long[]> accessOkAsked = new ArrayList<>();

    public FlatGuest(int size) {
        memory = new byte[size];
    }

    /** The first address past the run. */
    public long end() {
        return BASE + memory.length;
    }

    private boolean inside(long address) {
        return address >= BASE && address < end();
    }

    @Override
    public long copyFromGuest(byte[] dst, int dstOffset, MemoryReference ref, long offset, int length) {
        if (offset < 0 || length < 0) {
            return Math.max(length, 1);
        }
        long address = ref.value() + offset;
        int done = 0;
        while (done < length && inside(address + done)) {
            dst[dstOffset + done] = memory[(int) (address + done - BASE)];
            done++;
        }
        return length - done;
    }

    @Override
    public long copyToGuest(MemoryReference ref, long offset, byte[] src, int srcOffset, int length) {
        if (offset < 0 || length < 0) {
            return Math.max(length, 1);
        }
        long address = ref.value() + offset;
        int done = 0;
        while (done < length && inside(address + done)) {
            memory[(int) (address + done - BASE)] = src[srcOffset + done];
            done++;
        }
        return length - done;
    }

    @Override
    public boolean accessOk(MemoryReference ref, long offset, long length) {
        accessOkAsked.add(new long[] {ref.value(), offset, length});
        if (offset < 0 || length < 0) {
            return false;
        }
        if (length == 0) {
            return true;
        }
        long start = ref.value() + offset;
        return start >= BASE && start <= end() && length <= end() - start;
    }

    /** Every {@code accessOk} question so far, as {reference, offset, length}. */
    public List<long[]> accessOkAsked() {
        return accessOkAsked;
    }

    @Override
    public Placed place(byte[] src, int srcOffset, int length) {
        int start = (next + 7) & ~7;
        if (length < 0 || start > memory.length - length) {
            throw new XenException(XenErrno.ENOSPC, "no room for " + length + " bytes");
        }
        System.arraycopy(src, srcOffset, memory, start, length);
        next = start + length;
        return new Piece(BASE + start, length);
    }

    /** Writes {@code bytes} at {@code address} (a guest writing its own memory). */
    public void poke(long address, byte[] bytes) {
        System.arraycopy(bytes, 0, memory, (int) (address - BASE), bytes.length);
    }

    /** Writes a little-endian 64-bit word at {@code address}. */
    public void pokeU64(long address, long value) {
        byte[] word = new byte[8];
        LittleEndian.putU64(word, 0, value);
        poke(address, word);
    }

    /** Writes a little-endian 32-bit word at {@code address}. */
    public void pokeU32(long address, long value) {
        byte[] word = new byte[4];
        LittleEndian.putU32(word, 0, (int) value);
        poke(address, word);
    }

    /** {@code length} bytes at {@code address}. */
    public byte[] peek(long address, int length) {
        int at = (int) (address - BASE);
        return Arrays.copyOfRange(memory, at, at + length);
    }

    /** The little-endian 64-bit word at {@code address}. */
    public long peekU64(long address) {
        return LittleEndian.u64(peek(address, 8), 0);
    }

    /** The whole run (for "nothing changed" checks). */
    public byte[] snapshot() {
        return memory.clone();
    }

    /** A reader for handle-site finders and the tool-block checks: EFAULT outside the run. */
    public HandleSiteFinder.MemoryReader reader() {
        return (address, dst, dstOffset, length) -> {
            if (copyFromGuest(dst, dstOffset, new MemoryReference(address), 0, length) != 0) {
                throw new XenException(XenErrno.EFAULT, "unreadable 0x" + Long.toHexString(address) + "+" + length);
            }
        };
    }

    /** The kernel side of a tool's call reading the tool's memory (EFAULT outside the run); it copies nothing in. */
    public UserCallKernel userKernel() {
        HandleSiteFinder.MemoryReader reader = reader();
        return new UserCallKernel() {
            @Override
            public void readUser(long userAddress, byte[] dst, int dstOffset, int length) {
                reader.read(userAddress, dst, dstOffset, length);
            }

            @Override
            public KernelCopy copyFromUser(long userAddress, int length) {
                throw new UnsupportedOperationException("the codec tests copy nothing into a kernel");
            }
        };
    }

    /** An embedded call as a strategy issues it: its bytes placed, its patches written, its reference in its word. */
    public record Issued(long[] args, Placed placed) {}

    /** Places {@code call}'s bytes (if any), writes each patch's reference, and fills its memory word. */
    public Issued issue(EmbeddedCall<?> call) {
        long[] args = call.args();
        if (call.bytes() == null) {
            return new Issued(args, null);
        }
        Placed placed = place(call.bytes());
        for (int[] patch : call.patches()) {
            byte[] word = new byte[8];
            LittleEndian.putU64(word, 0, placed.referenceAt(patch[1]).value());
            placed.write(patch[0], word, 0, 8);
        }
        args[call.refArg()] = placed.reference().value();
        return new Issued(args, placed);
    }

    private final class Piece implements Placed {
        private final long address;
        private final int length;

        Piece(long address, int length) {
            this.address = address;
            this.length = length;
        }

        @Override
        public MemoryReference reference() {
            return new MemoryReference(address);
        }

        @Override
        public MemoryReference referenceAt(int offset) {
            return new MemoryReference(address + offset);
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public void write(int offset, byte[] src, int srcOffset, int length) {
            Objects.checkFromIndexSize(offset, length, this.length);
            System.arraycopy(src, srcOffset, memory, (int) (address - BASE) + offset, length);
        }

        @Override
        public void read(int offset, byte[] dst, int dstOffset, int length) {
            Objects.checkFromIndexSize(offset, length, this.length);
            System.arraycopy(memory, (int) (address - BASE) + offset, dst, dstOffset, length);
        }
    }
}
