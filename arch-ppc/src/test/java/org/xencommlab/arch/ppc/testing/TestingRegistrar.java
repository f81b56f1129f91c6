package org.xencommlab.arch.ppc.testing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.arch.ppc.reference.PpcMemref;
import org.xencommlab.arch.ppc.registration.RegistrationOp;

/**
 * A guest kernel's registration calls made by hand: the frame list goes to guest-physical
 * {@link #LIST_ADDRESS} (frames 1..8, never handed out by {@link TestingKernel}) and is passed
 * inline to {@code arch_0}.
 */
public final class TestingRegistrar {
    public static final long LIST_ADDRESS = 0x1000;

    private TestingRegistrar() {}

    public static long register(TestingMachine machine, int domid, long... gfns) {
        byte[] list = new byte[gfns.length * 8];
        ByteBuffer.wrap(list).order(ByteOrder.BIG_ENDIAN).asLongBuffer().put(gfns);
        machine.domain(domid).memory().writeBytes(LIST_ADDRESS, list);
        return machine.hypercall(domid, RegistrationOp.HYPERCALL, RegistrationOp.REGISTER, PpcMemref.inline(LIST_ADDRESS), gfns.length);
    }

    public static long unregister(TestingMachine machine, int domid, long bufid) {
        return machine.hypercall(domid, RegistrationOp.HYPERCALL, RegistrationOp.UNREGISTER, bufid);
    }

    /** copy_from_guest in {@code domid}; returns the bytes, or null if any byte was not copied. */
    public static byte[] copyFrom(TestingMachine machine, int domid, long ref, long offset, int length) {
        byte[] dst = new byte[length];
        long notCopied = machine.context(domid).guest().copyFromGuest(dst, 0, new MemoryReference(ref), offset, length);
        return notCopied == 0 ? dst : null;
    }

    /** copy_to_guest in {@code domid}; returns bytes not copied. */
    public static long copyTo(TestingMachine machine, int domid, long ref, long offset, byte[] src) {
        return machine.context(domid).guest().copyToGuest(new MemoryReference(ref), offset, src, 0, src.length);
    }

    /** A recognisable pattern of {@code length} bytes from {@code seed}. */
    public static byte[] pattern(int seed, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (seed * 31 + i * 7 + (i >>> 8));
        }
        return bytes;
    }
}
