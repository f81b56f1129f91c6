package org.xencommlab.arch.ppc.guest;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.kernel.KernelServices;
import org.xencommlab.arch.ppc.reference.PpcMemref;
import org.xencommlab.arch.ppc.registration.RegistrationOp;

/**
 * The privcmd driver's registration calls: it writes a frame list into kmalloc'd memory, passes it
 * inline with {@code arch_0 REGISTER}, and frees the list when the hypervisor has copied it.
 */
final class KernelRegistrar {
    private KernelRegistrar() {}

    /** Registers {@code gfns} with the hypervisor; returns the bufid or throws the hypervisor's errno. */
    static long register(KernelServices kernel, long[] gfns) {
        byte[] list = new byte[gfns.length * Long.BYTES];
        ByteBuffer.wrap(list).order(ByteOrder.BIG_ENDIAN).asLongBuffer().put(gfns);
        KernelBlock block = kernel.kmalloc(list.length);
        try {
            PhysicalBytes.write(kernel.physicalMemory(), block.physicalAddress(), list, 0, list.length);
            long rc = kernel.hypercall(RegistrationOp.HYPERCALL, RegistrationOp.REGISTER,
                    PpcMemref.inline(block.physicalAddress()), gfns.length);
            if (rc < 0) {
                throw failure(rc, "register " + gfns.length + " pages");
            }
            return rc;
        } finally {
            kernel.kfree(block);
        }
    }

    /** Unregisters {@code bufid}; returns the hypervisor's result (0 or a negative errno). */
    static long unregister(KernelServices kernel, long bufid) {
        return kernel.hypercall(RegistrationOp.HYPERCALL, RegistrationOp.UNREGISTER, bufid);
    }

    static XenException failure(long rc, String what) {
        XenErrno errno = XenErrno.fromResult(rc).orElse(XenErrno.EINVAL);
        return new XenException(errno, what + ": hypervisor returned " + XenErrno.describeResult(rc));
    }
}
