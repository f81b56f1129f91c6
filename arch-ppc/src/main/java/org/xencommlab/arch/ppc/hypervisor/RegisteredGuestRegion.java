package org.xencommlab.arch.ppc.hypervisor;

import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.memory.GuestPhysicalMemory;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.arch.ppc.reference.PpcMemref;
import org.xencommlab.arch.ppc.registration.BufferRegistration;
import org.xencommlab.arch.ppc.registration.RegistrationTable;
import org.xencommlab.api.xencomm.GuestRegion;

/**
 * The memory a {@code bufid | offset} reference names: the registration's snapshot page list from
 * the reference's offset on. Each translation looks the registration up again (one translation
 * step, O(1)), so a buffer unregistered during a copy faults from its next piece on, and checks the
 * offset against the registration's length; the address is {@code gfn * page + in-page offset}, so
 * a buffer over non-contiguous frames is reached piece by piece (the mail's Problem #2).
 *
 * <p>Each translation counts one {@code TRANSLATION_STEPS}, at once, or, once the copy path asked
 * ({@link #deferCountsUntilClose()}), kept and added in one update at {@link #close()}: the same
 * total either way. Used by one thread (the entry's), like its context.
 */
final class RegisteredGuestRegion implements GuestRegion {
    private final RegistrationTable table;
    private final BufferRegistration registration;
    private final long base;
    private final GuestPhysicalMemory memory;
    private final PageSize pageSize;
    private final RunMetrics metrics;
    private boolean deferring;
    private long deferredSteps;

    RegisteredGuestRegion(RegistrationTable table, BufferRegistration registration, long ref, GuestPhysicalMemory memory, RunMetrics metrics) {
        this.table = table;
        this.registration = registration;
        this.base = PpcMemref.offset(ref);
        this.memory = memory;
        this.pageSize = memory.pageSize();
        this.metrics = metrics;
    }

    @Override
    public long translate(long offset) {
        if (deferring) {
            deferredSteps++;
        } else {
            metrics.increment(Counter.TRANSLATION_STEPS);
        }
        if (!table.isLive(registration)) {
            return XenErrno.EFAULT.asResult();
        }
        long length = (long) registration.nrPages() * pageSize.bytes();
        if (offset < 0 || offset >= length - base) {
            return XenErrno.EFAULT.asResult();
        }
        long position = base + offset;
        long gfn = registration.gfn((int) (position >>> pageSize.shift()));
        if (!memory.isRam(gfn)) {
            return XenErrno.EFAULT.asResult();
        }
        return pageSize.addressOf(gfn) + pageSize.offsetIn(position);
    }

    @Override
    public void deferCountsUntilClose() {
        deferring = true;
    }

    @Override
    public void close() {
        long steps = deferredSteps;
        deferredSteps = 0;
        deferring = false;
        if (steps > 0) {
            metrics.add(Counter.TRANSLATION_STEPS, steps);
        }
    }
}
