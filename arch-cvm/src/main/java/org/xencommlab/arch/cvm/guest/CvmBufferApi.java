package org.xencommlab.arch.cvm.guest;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.kernel.UserProcessServices;
import org.xencommlab.api.xencomm.HypercallBuffer;
import org.xencommlab.api.xencomm.HypercallBufferApi;

/**
 * A tool's buffers on a cvm guest.
 * <ul>
 *   <li>{@code buffers=bounce}: plain anonymous memory, private like all guest memory; the kernel
 *       bounces it for each call.</li>
 *   <li>{@code buffers=shared}: physically contiguous kernel frames, converted to shared when the
 *       buffer is made and mapped into the tool; when the mapping goes (free, exit or kill) the
 *       frames are converted back to private and freed. A conversion that fails leaves the frames'
 *       state unknown: they are leaked, never freed or reused (as Linux's dma-direct does when
 *       {@code set_memory_decrypted} fails).</li>
 * </ul>
 */
final class CvmBufferApi implements HypercallBufferApi {
    private final UserProcessServices process;
    private final CvmKernelState cvm;
    private final boolean shared;
    private final List<CvmBuffer> live = new CopyOnWriteArrayList<>();

    CvmBufferApi(UserProcessServices process, CvmKernelState cvm, boolean shared) {
        this.process = requireNonNull(process, "process is null");
        this.cvm = requireNonNull(cvm, "cvm is null");
        this.shared = shared;
    }

    @Override
    public HypercallBuffer allocBuf(int nrPages) {
        if (nrPages < 1) {
            throw refused(XenErrno.EINVAL, "alloc_buf of " + nrPages + " pages");
        }
        long length = (long) nrPages * process.pageSize().bytes();
        if (!shared) {
            long address = process.mmapAnonymous(length);
            CvmBuffer buffer = new CvmBuffer(this, nrPages, address, length, null);
            live.add(buffer);
            return buffer;
        }
        KernelBlock frames = process.kernel().allocateContiguous(nrPages);
        long[] gfns = cvm.gfns(frames);
        long result = cvm.convert(gfns, true);
        if (result < 0) {
            cvm.leaked(gfns.length);
            throw refused(CvmKernelState.errno(result), "could not convert a buffer of " + nrPages + " pages to shared; its frames are leaked");
        }
        long address;
        try {
            address = process.mapKernelFrames(gfns, () -> release(frames, gfns));
        } catch (RuntimeException e) {
            // Not mapped (the process was killed meanwhile): nothing would ever unmap the frames,
            // so they go back now, converted to private first (or leaked if that fails).
            release(frames, gfns);
            throw e;
        }
        CvmBuffer buffer = new CvmBuffer(this, nrPages, address, length, frames);
        live.add(buffer);
        return buffer;
    }

    private void release(KernelBlock frames, long[] gfns) {
        live.removeIf(b -> b.shared() == frames);
        long result = cvm.convert(gfns, false);
        if (result < 0) {
            cvm.leaked(gfns.length);
            return;
        }
        process.kernel().freeContiguous(frames);
    }

    // alloc_buf's own refusals are counted here, where they are raised (the library passes them on).
    private XenException refused(XenErrno errno, String message) {
        process.kernel().metrics().recordError(errno);
        return new XenException(errno, message);
    }

    @Override
    public void freeBuf(HypercallBuffer buffer) {
        if (!(buffer instanceof CvmBuffer cvmBuffer) || !cvmBuffer.ownedBy(this)) {
            throw new XenException(XenErrno.EINVAL, "not a buffer of this process");
        }
        if (!cvmBuffer.markFreed()) {
            throw new XenException(XenErrno.EINVAL, "buffer already freed");
        }
        live.remove(cvmBuffer);
        process.munmap(cvmBuffer.userAddress(), cvmBuffer.capacity());
    }

    /** The guest-physical address of a user range inside one of this process's shared buffers, or -1. */
    long sharedPhysical(long address, long length) {
        for (CvmBuffer b : live) {
            long gpa = b.sharedPhysical(address, length);
            if (gpa >= 0) {
                return gpa;
            }
        }
        return -1;
    }
}
