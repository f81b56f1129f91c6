package org.xencommlab.arch.ppc.guest;

import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.kernel.KernelServices;
import org.xencommlab.api.kernel.UserProcessServices;
import org.xencommlab.api.trace.TraceKind;
import org.xencommlab.api.xencomm.HypercallBuffer;
import org.xencommlab.arch.ppc.reference.PpcMemref;

/**
 * {@code mode=registration, buffers=user}: the mail's protocol.
 * <pre>
 * bufid = alloc_buf(nr_pages)
 *     user:   mmap anonymous pages
 *     user:   register them with the kernel (privcmd ioctl)
 *     kernel: pin them (get_user_pages), write their frames to a kmalloc'd list,
 *             arch_0 REGISTER(inline list, nr_pages)
 *     xen:    returns bufid
 * memref = alloc_mem(bufid, nr_bytes)  ->  bufid | offset
 * free_buf: arch_0 UNREGISTER(bufid), unpin, munmap
 * </pre>
 * The kernel records each live registration against the process: privcmd needs it to read a
 * structure the tool names by {@code bufid | offset} ({@link UserReferenceGuard}). With clean-up on,
 * when the process exits or is killed, the kernel unregisters and unpins whatever is left
 * (Problem #4). With clean-up off it only forgets them: a process that dies without freeing its
 * buffers leaves their registrations, heap charges and frame pins in the hypervisor.
 */
final class RegisteredBufferApi extends PpcBufferApi {
    private final KernelServices kernel;
    private final ProcessRecord record;
    private final boolean cleanup;

    RegisteredBufferApi(UserProcessServices process, ProcessRecord record, boolean cleanup) {
        super(process);
        this.kernel = process.kernel();
        this.record = record;
        this.cleanup = cleanup;
    }

    @Override
    public HypercallBuffer allocBuf(int nrPages) {
        checkPages(nrPages);
        int pageBytes = process.pageSize().bytes();
        long length = (long) nrPages * pageBytes;
        long address = process.mmapAnonymous(length);
        try {
            RegisteredBuffer buffer = process.systemCall("ioctl(privcmd, XENCOMM_REGISTER)",
                    () -> registerWithKernel(address, nrPages));
            kernel.trace().event(TraceKind.REGISTRATION, kernel.domid(),
                    () -> "pid " + process.pid() + " alloc_buf " + nrPages + " pages bufid 0x" + Long.toHexString(buffer.bufid()));
            return buffer;
        } catch (RuntimeException e) {
            if (process.isAlive()) {
                process.munmap(address, length); // a dead process's mappings went with it
            }
            throw e;
        }
    }

    // The privcmd ioctl: kernel mode, on the process's behalf.
    private RegisteredBuffer registerWithKernel(long address, int nrPages) {
        long[] gfns = process.pinUserPages(address, nrPages);
        long bufid;
        try {
            bufid = KernelRegistrar.register(kernel, gfns);
        } catch (RuntimeException e) {
            process.unpinUserPages(gfns);
            throw e;
        }
        RegisteredBuffer buffer = new RegisteredBuffer(process, bufid, address, nrPages, gfns, process.pageSize().bytes());
        if (!record.addRegistration(buffer) && cleanup) {
            // The process died while the ioctl ran; its exit clean-up has already run.
            KernelRegistrar.unregister(kernel, bufid);
            process.unpinUserPages(gfns);
            throw new XenException(XenErrno.ESRCH, "process " + process.pid() + " exited");
        }
        return buffer;
    }

    @Override
    public void freeBuf(HypercallBuffer buffer) {
        RegisteredBuffer registered = own(buffer, RegisteredBuffer.class);
        if (!registered.markFreed()) {
            throw new XenException(XenErrno.EINVAL, "buffer 0x" + Long.toHexString(registered.bufid()) + " already freed");
        }
        if (!record.removeRegistration(registered.bufid()) && cleanup) {
            return; // the exit clean-up released it
        }
        long rc = process.systemCall("ioctl(privcmd, XENCOMM_UNREGISTER)", () -> {
            long result = KernelRegistrar.unregister(kernel, registered.bufid());
            process.unpinUserPages(registered.gfns);
            return result;
        });
        process.munmap(registered.userAddress(), registered.capacity());
        if (rc < 0) {
            throw KernelRegistrar.failure(rc, "unregister 0x" + Long.toHexString(registered.bufid()));
        }
    }

    /** The exit clean-up: unregisters and unpins every buffer the process left registered. */
    static void cleanUp(UserProcessServices process, ProcessRecord record) {
        KernelServices kernel = process.kernel();
        int left = 0;
        for (RegisteredBuffer buffer : record.exit()) {
            buffer.markFreed();
            KernelRegistrar.unregister(kernel, buffer.bufid());
            process.unpinUserPages(buffer.gfns);
            left++;
        }
        int released = left;
        kernel.trace().event(TraceKind.PROCESS, kernel.domid(),
                () -> "pid " + process.pid() + " exit: " + released + " registrations released");
    }

    /** A registered buffer: {@code bufid | offset} references over the process's pinned pages. */
    static final class RegisteredBuffer extends PpcBuffer {
        private final long bufid;
        private final long[] gfns;

        RegisteredBuffer(UserProcessServices owner, long bufid, long userAddress, int nrPages, long[] gfns, int pageBytes) {
            super(owner, nrPages, userAddress, (long) nrPages * pageBytes);
            this.bufid = bufid;
            this.gfns = gfns;
        }

        long bufid() {
            return bufid;
        }

        @Override
        long referenceAt(long offset) {
            return PpcMemref.withOffset(bufid, offset);
        }
    }
}
