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
 * domain's p2m and reaches the machine frame's real bytes with one bulk copy. A write marks the
 * page dirty.
 *
 * <p>Writes (and {@code zero}) hold the domain's lock shared for the access, so the frame cannot be
 * given back halfway through, and the dirty bit is set only on a frame the domain holds.
 *
 * <p>Reads ({@code read}, {@code readLong}, {@code isRam}) first try without taking the lock: an
 * optimistic stamp, the p2m entry, the frame's byte array ({@link MachineMemory#backingArray}),
 * then a check that no p2m change (which always takes the lock exclusive, and is the only way a
 * frame leaves the domain) began since the stamp. If the check passes, the domain held that frame,
 * and that array was the frame's, at an instant during the call; the bytes are then copied from
 * the array. Machine memory never hands an array to another owner: a scrub detaches it and the
 * next owner gets a fresh one. So even if the frame is given back and reused while the copy runs,
 * the copy sees only bytes the domain's frame held (as if the read happened just before the give
 * back), never the scrub's zeros or a new owner's bytes. If the check fails, or the entry is not
 * RAM, the read is redone under the shared lock, which gives the same result and the same EFAULT as
 * before; nothing is written to the destination before the check passes.
 */
final class DomainMemory implements GuestPhysicalMemory {
    /** What {@link #backingOptimistic} returns when the access must take the lock. */
    private static final byte[] NOT_SURE = new byte[0];

    private final Domain domain;
    private final MachineMemory machine;
    private final PageSize pageSize;
    private final int frameCount;

    DomainMemory(Domain domain) {
        this.domain = domain;
        this.machine = domain.machine();
        this.pageSize = machine.pageSize();
        this.frameCount = machine.frameCount();
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
        byte[] backing = backingOptimistic(gfn);
        if (backing != NOT_SURE) {
            machine.read(backing, pageSize.offsetIn(address), dst, dstOffset, length);
            return;
        }
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
        byte[] backing = backingOptimistic(gfn);
        if (backing != NOT_SURE) {
            return machine.readLong(backing, pageSize.offsetIn(address), order);
        }
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

    /**
     * The byte array (null: reads as zero) of the frame behind {@code gfn}, read without the lock
     * and checked afterwards (see the class comment), or {@link #NOT_SURE} when the check failed or
     * {@code gfn} is not RAM: the caller then redoes the access under the lock.
     */
    private byte[] backingOptimistic(long gfn) {
        long stamp = domain.optimisticStamp();
        if (stamp == 0) {
            return NOT_SURE;
        }
        int mfn = domain.mfnOptimistic(gfn);
        // A racy entry may be anything the entry ever held: only a frame number is looked up.
        if (mfn < 0 || mfn >= frameCount) {
            return NOT_SURE;
        }
        byte[] backing = machine.backingArray(mfn);
        return domain.stillValid(stamp) ? backing : NOT_SURE;
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
