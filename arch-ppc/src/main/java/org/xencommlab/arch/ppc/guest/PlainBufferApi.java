package org.xencommlab.arch.ppc.guest;

import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.kernel.UserProcessServices;
import org.xencommlab.api.xencomm.HypercallBuffer;

/**
 * {@code mode=descriptor, buffers=user}: plain anonymous memory, nothing registered or locked; a
 * reference is the tool's virtual address, and the kernel describes the buffer with a xencomm
 * descriptor for each hypercall that names it (pinning its pages for that call only).
 */
final class PlainBufferApi extends PpcBufferApi {
    PlainBufferApi(UserProcessServices process) {
        super(process);
    }

    @Override
    public HypercallBuffer allocBuf(int nrPages) {
        checkPages(nrPages);
        long length = (long) nrPages * process.pageSize().bytes();
        long address = process.mmapAnonymous(length);
        return new PlainBuffer(process, nrPages, address, length);
    }

    @Override
    public void freeBuf(HypercallBuffer buffer) {
        PlainBuffer plain = own(buffer, PlainBuffer.class);
        if (!plain.markFreed()) {
            throw new XenException(XenErrno.EINVAL, "buffer already freed");
        }
        process.munmap(plain.userAddress(), plain.capacity());
    }

    static final class PlainBuffer extends PpcBuffer {
        PlainBuffer(UserProcessServices owner, int nrPages, long userAddress, long capacity) {
            super(owner, nrPages, userAddress, capacity);
        }

        @Override
        long referenceAt(long offset) {
            return userAddress() + offset;
        }
    }
}
