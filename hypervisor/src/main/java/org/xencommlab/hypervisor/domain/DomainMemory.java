package org.xencommlab.hypervisor.domain;

import java.nio.ByteOrder;
import java.util.Objects;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.memory.GuestPhysicalMemory;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.hypervisor.memory.MachineMemory;

/**
 * A domain's guest-physical memory: each access names one guest page, is translated through the
 * domain's p2m and reaches the machine frame's real bytes with one bulk copy. The domain's lock is
 * held shared for the access, so the frame cannot be given back halfway through. A write marks the
 * page dirty.
 */
final class DomainMemory implements GuestPhysicalMemory {
    private final Domain domain;
    private final MachineMemory machine;
    private final PageSize pageSize;

    DomainMemory(Domain domain) {
        this.domain = domain;
        this.machine = domain.machine();
        this.pageSize = machine.pageSize();
    }

    @Override
    public int domid() {
        return domain.domid();
    }

    @Override
    public PageSize pageSize() {
        return pageSize;
    }

    @Override
    public boolean isRam(long gfn) {
        return domain.isRam(gfn);
    }

    @Override
    public void read(long address, byte[] dst, int dstOffset, int length) {
        checkPiece(address, length);
        Objects.checkFromIndexSize(dstOffset, length, dst.length);
        if (length == 0) {
            return;
        }
        long gfn = address >>> pageSize.shift();
        long stamp = domain.lockShared();
        try {
            machine.read(frame(gfn, address), pageSize.offsetIn(address), dst, dstOffset, length);
        } finally {
            domain.unlockShared(stamp);
        }
    }

    @Override
    public void write(long address, byte[] src, int srcOffset, int length) {
        checkPiece(address, length);
        Objects.checkFromIndexSize(srcOffset, length, src.length);
        if (length == 0) {
            return;
        }
        long gfn = address >>> pageSize.shift();
        long stamp = domain.lockShared();
        try {
            machine.write(frame(gfn, address), pageSize.offsetIn(address), src, srcOffset, length);
            domain.dirtyLog().mark(gfn);
        } finally {
            domain.unlockShared(stamp);
        }
    }

    @Override
    public long readLong(long address, ByteOrder order) {
        checkWord(address);
        long gfn = address >>> pageSize.shift();
        long stamp = domain.lockShared();
        try {
            return machine.readLong(frame(gfn, address), pageSize.offsetIn(address), order);
        } finally {
            domain.unlockShared(stamp);
        }
    }

    @Override
    public void writeLong(long address, long value, ByteOrder order) {
        checkWord(address);
        long gfn = address >>> pageSize.shift();
        long stamp = domain.lockShared();
        try {
            machine.writeLong(frame(gfn, address), pageSize.offsetIn(address), value, order);
            domain.dirtyLog().mark(gfn);
        } finally {
            domain.unlockShared(stamp);
        }
    }

    @Override
    public void zero(long address, int length) {
        checkPiece(address, length);
        if (length == 0) {
            return;
        }
        long gfn = address >>> pageSize.shift();
        long stamp = domain.lockShared();
        try {
            machine.zero(frame(gfn, address), pageSize.offsetIn(address), length);
            domain.dirtyLog().mark(gfn);
        } finally {
            domain.unlockShared(stamp);
        }
    }

    /** The machine frame behind {@code gfn}; caller holds the domain's lock shared. */
    private int frame(long gfn, long address) {
        int mfn = domain.mfnLocked(gfn);
        if (mfn < 0) {
            throw new XenException(XenErrno.EFAULT, "d" + domain.domid() + " has no RAM at 0x" + Long.toHexString(address));
        }
        return mfn;
    }

    private void checkPiece(long address, int length) {
        if (length < 0 || length > pageSize.bytesToPageEnd(address)) {
            throw new IllegalArgumentException("access of " + length + " bytes at 0x" + Long.toHexString(address)
                    + " is not inside one page");
        }
    }

    private void checkWord(long address) {
        if ((address & 7) != 0) {
            throw new IllegalArgumentException("word access at 0x" + Long.toHexString(address) + " is not aligned");
        }
    }

    @Override
    public String toString() {
        return "physical memory of d" + domain.domid();
    }
}
