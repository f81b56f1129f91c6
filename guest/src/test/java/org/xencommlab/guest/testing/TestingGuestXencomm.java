package org.xencommlab.guest.testing;

import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.kernel.KernelServices;
import org.xencommlab.api.kernel.UserProcessServices;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.xencomm.BufferSlice;
import org.xencommlab.api.xencomm.GuestXencomm;
import org.xencommlab.api.xencomm.HypercallBuffer;
import org.xencommlab.api.xencomm.HypercallBufferApi;

/**
 * A pass-through guest half, x86-like: a reference is the user virtual address; a buffer is
 * anonymous memory, mlocked for its life when {@code lock} is set; the arguments pass unchanged.
 */
public final class TestingGuestXencomm implements GuestXencomm {
    private final boolean lock;

    public TestingGuestXencomm(boolean lock) {
        this.lock = lock;
    }

    @Override
    public HypercallBufferApi openUserBuffers(UserProcessServices process) {
        return new HypercallBufferApi() {
            private long nextId = 1;

            @Override
            public HypercallBuffer allocBuf(int nrPages) {
                long length = (long) nrPages * process.pageSize().bytes();
                long address = process.mmapAnonymous(length);
                if (lock) {
                    try {
                        process.mlock(address, length);
                    } catch (XenException e) {
                        process.munmap(address, length);
                        throw e;
                    }
                }
                return new Buffer(nextId++, address, nrPages, length);
            }

            @Override
            public void freeBuf(HypercallBuffer buffer) {
                if (lock) {
                    process.munlock(buffer.userAddress(), buffer.capacity());
                }
                process.munmap(buffer.userAddress(), buffer.capacity());
            }
        };
    }

    @Override
    public MemoryReference kernelReference(KernelServices kernel, KernelBlock block, int offset, int length) {
        return new MemoryReference(block.kernelAddress() + offset);
    }

    private static final class Buffer implements HypercallBuffer {
        private final long id;
        private final long address;
        private final int nrPages;
        private final long capacity;
        private long used;

        Buffer(long id, long address, int nrPages, long capacity) {
            this.id = id;
            this.address = address;
            this.nrPages = nrPages;
            this.capacity = capacity;
        }

        @Override
        public long id() {
            return id;
        }

        @Override
        public int nrPages() {
            return nrPages;
        }

        @Override
        public long userAddress() {
            return address;
        }

        @Override
        public long capacity() {
            return capacity;
        }

        @Override
        public long remaining() {
            return capacity - used;
        }

        @Override
        public BufferSlice allocMem(int nbytes) {
            long aligned = (used + 7) & ~7L;
            if (nbytes < 0 || aligned + nbytes > capacity) {
                throw new XenException(XenErrno.ENOSPC, nbytes + " bytes do not fit");
            }
            used = aligned + nbytes;
            return new BufferSlice(address + aligned, nbytes, new MemoryReference(address + aligned));
        }

        @Override
        public void reset() {
            used = 0;
        }
    }
}
