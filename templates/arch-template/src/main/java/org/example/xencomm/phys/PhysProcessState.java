package org.example.xencomm.phys;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.xencommlab.api.abi.HandleSite;
import org.xencommlab.api.abi.HandleSiteFinder;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.kernel.KernelServices;
import org.xencommlab.api.kernel.UserProcessServices;
import org.xencommlab.api.xencomm.HypercallBuffer;
import org.xencommlab.api.xencomm.HypercallBufferApi;
import org.xencommlab.api.xencomm.PreparedHypercall;
import org.xencommlab.api.xencomm.ProcessXencomm;

/**
 * One process's state: its live buffers, and privcmd's check of its hypercalls.
 *
 * <p>{@code alloc_buf(n)} is one system call of the tool (an mmap of a hypercall device): the
 * kernel allocates {@code n} physically contiguous pages, which are never swapped or moved, and
 * maps them into the tool. The pages go back when the tool unmaps them ({@code free_buf}) or when
 * its address space is torn down at exit, whichever comes first. A process may hold at most
 * {@code bufferLimitPages} pages of buffers (ENOSPC beyond).
 *
 * <p>Before privcmd issues a tool's call, {@link #prepareUserHypercall} refuses with EPERM every
 * handle that is a kernel reference, and every user reference outside the tool's own live buffers
 * (so a tool cannot forge a user tag on a kernel address). Thread-safe: a kill may tear the
 * process down on another thread.
 */
final class PhysProcessState implements ProcessXencomm {
    private final KernelServices kernel;
    private final UserProcessServices process;
    private final int bufferLimitPages;
    private final List<PhysBuffer> live = new ArrayList<>();
    private int pagesInUse;
    private long nextId = 1;
    private boolean released;

    PhysProcessState(KernelServices kernel, UserProcessServices process, int bufferLimitPages) {
        this.kernel = kernel;
        this.process = process;
        this.bufferLimitPages = bufferLimitPages;
    }

    @Override
    public HypercallBufferApi openUserBuffers() {
        return new HypercallBufferApi() {
            @Override
            public HypercallBuffer allocBuf(int nrPages) {
                return allocate(nrPages);
            }

            @Override
            public void freeBuf(HypercallBuffer buffer) {
                free(buffer);
            }
        };
    }

    private PhysBuffer allocate(int nrPages) {
        long id;
        synchronized (this) {
            if (released) {
                throw refuse(XenErrno.ESRCH, "process " + process.pid() + " has exited");
            }
            if (nrPages <= 0) {
                throw refuse(XenErrno.EINVAL, "a buffer of " + nrPages + " pages");
            }
            if (nrPages > bufferLimitPages - pagesInUse) {
                throw refuse(XenErrno.ENOSPC, nrPages + " pages asked, " + (bufferLimitPages - pagesInUse) + " of " + bufferLimitPages + " left");
            }
            pagesInUse += nrPages; // reserved now, so that two threads cannot both pass the limit
            id = nextId++;
        }
        try {
            PhysBuffer buffer = process.systemCall("mmap phys-buf", () -> {
                KernelBlock block = kernel.allocateContiguous(nrPages);
                long[] gfns = new long[nrPages];
                for (int i = 0; i < nrPages; i++) {
                    gfns[i] = kernel.pageSize().pageOf(block.physicalAddress()) + i;
                }
                try {
                    long userAddress = process.mapKernelFrames(gfns, () -> unmapped(block, nrPages));
                    return new PhysBuffer(id, nrPages, block, userAddress);
                } catch (RuntimeException e) {
                    kernel.freeContiguous(block);
                    throw e;
                }
            });
            synchronized (this) {
                live.add(buffer);
            }
            kernel.metrics().increment(PhysMetrics.BUFFER_MAPS);
            return buffer;
        } catch (RuntimeException e) {
            synchronized (this) {
                pagesInUse -= nrPages;
            }
            throw e; // the kernel counted what it refused
        }
    }

    private void free(HypercallBuffer buffer) {
        PhysBuffer own;
        synchronized (this) {
            if (!(buffer instanceof PhysBuffer candidate) || !live.contains(candidate)) {
                throw refuse(XenErrno.EINVAL, "not a live buffer of process " + process.pid());
            }
            own = candidate;
        }
        process.munmap(own.userAddress(), own.capacity()); // runs unmapped(...)
    }

    // The mapping went (free_buf, or the address space torn down): the pages go back to the kernel.
    private void unmapped(KernelBlock block, int nrPages) {
        synchronized (this) {
            if (live.removeIf(buffer -> buffer.block().equals(block))) {
                pagesInUse -= nrPages;
            }
        }
        kernel.freeContiguous(block);
    }

    @Override
    public PreparedHypercall prepareUserHypercall(int op, long[] args, HandleSiteFinder handles) {
        Optional<List<HandleSite>> sites = handles.find(op, args.clone(), this::readThroughReference);
        if (sites.isEmpty()) {
            // A call the kernel cannot parse: no word may be a reference the tool does not own.
            for (int i = 0; i < args.length; i++) {
                if (PhysReference.isKernel(args[i]) || PhysReference.isUser(args[i]) && bufferHolding(args[i], 1) == null) {
                    throw new XenException(XenErrno.EPERM, "hypercall " + op + ": argument " + i + " is a reference the tool does not own");
                }
            }
            return PreparedHypercall.passThrough(args);
        }
        for (HandleSite site : sites.get()) {
            if (site.argIndex() >= args.length) {
                throw new XenException(XenErrno.EINVAL, "handle in argument " + site.argIndex() + " of " + args.length);
            }
            check(op, args[site.argIndex()], site);
        }
        return PreparedHypercall.passThrough(args);
    }

    private void check(int op, long handle, HandleSite site) {
        if (handle == 0 || !PhysReference.wellFormed(handle)) {
            return; // NULL, or a word the hypervisor refuses by itself
        }
        if (PhysReference.isKernel(handle)) {
            throw new XenException(XenErrno.EPERM, "hypercall " + op + ": a tool passed the kernel reference 0x" + Long.toHexString(handle));
        }
        long length = HandleSite.bounded(site.length());
        if (bufferHolding(handle, length) == null) {
            throw new XenException(XenErrno.EPERM, "hypercall " + op + ": 0x" + Long.toHexString(handle) + " (" + length
                    + " bytes) is outside the tool's buffers");
        }
        byte[] word = new byte[Long.BYTES];
        for (HandleSite child : site.nested()) {
            if (child.fieldOffset() > length - Long.BYTES) {
                throw new XenException(XenErrno.EFAULT, "nested handle at " + child.fieldOffset() + " outside a structure of " + length);
            }
            readThroughReference(handle + child.fieldOffset(), word, 0, Long.BYTES);
            check(op, ByteBuffer.wrap(word).order(ByteOrder.LITTLE_ENDIAN).getLong(), child);
        }
    }

    // What the tool's memory holds at a user reference of its own (EFAULT for anything else).
    private void readThroughReference(long reference, byte[] dst, int dstOffset, int length) {
        PhysBuffer buffer = bufferHolding(reference, length);
        if (buffer == null) {
            throw new XenException(XenErrno.EFAULT, "0x" + Long.toHexString(reference) + " is not in the tool's buffers");
        }
        process.readMemory(buffer.userAddressOf(PhysReference.physical(reference)), dst, dstOffset, length);
    }

    private synchronized PhysBuffer bufferHolding(long reference, long length) {
        if (!PhysReference.isUser(reference)) {
            return null;
        }
        long physical = PhysReference.physical(reference);
        return live.stream().filter(buffer -> buffer.holds(physical, length)).findFirst().orElse(null);
    }

    /** The kernel tears the address space down next, and that gives every buffer's pages back. */
    @Override
    public synchronized void release() {
        released = true;
        live.clear();
    }

    private XenException refuse(XenErrno errno, String message) {
        kernel.metrics().recordError(errno);
        return new XenException(errno, message);
    }
}
