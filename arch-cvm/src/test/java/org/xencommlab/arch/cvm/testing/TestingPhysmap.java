package org.xencommlab.arch.cvm.testing;

import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.Set;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.memory.GuestPhysicalMemory;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.xencomm.DomainArchState;
import org.xencommlab.testkit.memory.TestingGuestPhysicalMemory;

/**
 * The hypervisor's view of a {@link TestingCvm}'s memory with a p2m that can lose and regain
 * entries, as {@code decrease_reservation} and {@code populate_physmap} change it: a gfn given
 * back is no RAM (isRam false, every access EFAULT, nothing changes) and the domain's arch state is
 * told, once, as the hypervisor tells it ({@link DomainArchState#gfnRemoved}); a gfn populated again
 * is backed by a new frame, which reads as zero. Other gfns are the kit memory's. Thread-safe (one
 * monitor).
 */
public final class TestingPhysmap implements GuestPhysicalMemory {
    private final TestingGuestPhysicalMemory ram;
    private final DomainArchState state;
    private final Set<Long> givenBack = new HashSet<>();
    private Runnable afterNextZero;

    TestingPhysmap(TestingGuestPhysicalMemory ram, DomainArchState state) {
        this.ram = ram;
        this.state = state;
    }

    /**
     * {@code decrease_reservation} of one frame: its old bytes are scrubbed, its entry removed,
     * and the arch state told.
     *
     * @throws XenException ENOENT if {@code gfn} is not RAM (nothing changes)
     */
    public synchronized void decreaseReservation(long gfn) {
        if (!isRam(gfn)) {
            throw new XenException(XenErrno.ENOENT, "gfn 0x" + Long.toHexString(gfn) + " is not populated");
        }
        ram.zero(gfn << ram.pageSize().shift(), ram.pageSize().bytes());
        givenBack.add(gfn);
        state.gfnRemoved(gfn);
    }

    /**
     * {@code populate_physmap} of one frame given back before: a new frame, reading as zero.
     *
     * @throws XenException EEXIST if {@code gfn} is RAM (nothing changes)
     */
    public synchronized void populatePhysmap(long gfn) {
        if (!givenBack.remove(gfn)) {
            throw new XenException(XenErrno.EEXIST, "gfn 0x" + Long.toHexString(gfn) + " is populated");
        }
    }

    /**
     * Runs {@code action} once, right after the next {@link #zero} (a conversion zeroes its frame
     * between its check that the gfn is RAM and its change of the page state): a racing vCPU's
     * {@code decrease_reservation} or {@code populate_physmap}, at the worst moment.
     */
    public synchronized void afterNextZero(Runnable action) {
        afterNextZero = action;
    }

    @Override
    public int domid() {
        return ram.domid();
    }

    @Override
    public PageSize pageSize() {
        return ram.pageSize();
    }

    @Override
    public synchronized boolean isRam(long gfn) {
        return !givenBack.contains(gfn) && ram.isRam(gfn);
    }

    @Override
    public synchronized void read(long address, byte[] dst, int dstOffset, int length) {
        held(address);
        ram.read(address, dst, dstOffset, length);
    }

    @Override
    public synchronized void write(long address, byte[] src, int srcOffset, int length) {
        held(address);
        ram.write(address, src, srcOffset, length);
    }

    @Override
    public synchronized long readLong(long address, ByteOrder order) {
        held(address);
        return ram.readLong(address, order);
    }

    @Override
    public synchronized void writeLong(long address, long value, ByteOrder order) {
        held(address);
        ram.writeLong(address, value, order);
    }

    @Override
    public synchronized void zero(long address, int length) {
        held(address);
        ram.zero(address, length);
        Runnable action = afterNextZero;
        afterNextZero = null;
        if (action != null) {
            action.run();
        }
    }

    private void held(long address) {
        if (address >= 0 && givenBack.contains(address >>> ram.pageSize().shift())) {
            throw new XenException(XenErrno.EFAULT, "gfn 0x" + Long.toHexString(address >>> ram.pageSize().shift()) + " was given back");
        }
    }
}
