package org.xencommlab.arch.cvm.guest;

import static java.util.Objects.requireNonNull;

import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.arch.cvm.CvmConfig;
import org.xencommlab.arch.cvm.metrics.CvmMetrics;

/**
 * A kernel's bounce pool, Linux's swiotlb for a confidential guest: physically contiguous shared
 * memory cut into {@link CvmConfig#SLOT_BYTES}-byte slots. A mapping takes a run of contiguous
 * free slots (first fit), at most {@link CvmConfig#MAX_SLOTS_PER_MAPPING}. When no run is long
 * enough the mapping fails at once with ENOMEM and the message "bounce pool full: N bytes, M of K
 * slots used"; it never waits and changes nothing. Slots in use are the gauge
 * {@link CvmMetrics#POOL_SLOTS}. Thread-safe; no lock is held outside a method.
 */
public final class BouncePool {
    private final KernelBlock memory;
    private final boolean[] used;
    private final RunMetrics metrics;
    private int inUse;

    /** A pool over {@code memory} (already shared), whose length is a whole number of slots. */
    public BouncePool(KernelBlock memory, RunMetrics metrics) {
        this.memory = requireNonNull(memory, "memory is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        if (memory.length() % CvmConfig.SLOT_BYTES != 0) {
            throw new IllegalArgumentException("pool of " + memory.length() + " bytes is not a whole number of slots");
        }
        this.used = new boolean[memory.length() / CvmConfig.SLOT_BYTES];
    }

    /**
     * Maps {@code bytes} bytes (at least 1).
     *
     * @throws XenException E2BIG above {@link CvmConfig#MAX_SLOTS_PER_MAPPING} slots; ENOMEM when the
     *     pool has no run of free slots long enough
     */
    public BounceMapping map(int bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("a mapping of " + bytes + " bytes");
        }
        int slots = (bytes + CvmConfig.SLOT_BYTES - 1) / CvmConfig.SLOT_BYTES;
        if (slots > CvmConfig.MAX_SLOTS_PER_MAPPING) {
            throw new XenException(XenErrno.E2BIG, "bounce mapping of " + bytes + " bytes exceeds " + CvmConfig.MAX_SLOTS_PER_MAPPING
                    + " slots (" + CvmConfig.MAX_SLOTS_PER_MAPPING * CvmConfig.SLOT_BYTES + " bytes)");
        }
        int first;
        synchronized (this) {
            first = findRun(slots);
            if (first < 0) {
                metrics.increment(CvmMetrics.POOL_FULL);
                throw new XenException(XenErrno.ENOMEM, "bounce pool full: " + bytes + " bytes, " + inUse + " of " + used.length + " slots used");
            }
            for (int i = first; i < first + slots; i++) {
                used[i] = true;
            }
            inUse += slots;
        }
        metrics.adjust(CvmMetrics.POOL_SLOTS, slots);
        long offset = (long) first * CvmConfig.SLOT_BYTES;
        return new BounceMapping(new KernelBlock(memory.kernelAddress() + offset, memory.physicalAddress() + offset, slots * CvmConfig.SLOT_BYTES),
                first, slots);
    }

    /**
     * Gives a mapping's slots back.
     *
     * @throws IllegalStateException if any of its slots is free already (a double unmap)
     */
    public void unmap(BounceMapping mapping) {
        synchronized (this) {
            for (int i = mapping.firstSlot(); i < mapping.firstSlot() + mapping.slots(); i++) {
                if (!used[i]) {
                    throw new IllegalStateException("slot " + i + " unmapped twice");
                }
            }
            for (int i = mapping.firstSlot(); i < mapping.firstSlot() + mapping.slots(); i++) {
                used[i] = false;
            }
            inUse -= mapping.slots();
        }
        metrics.adjust(CvmMetrics.POOL_SLOTS, -mapping.slots());
    }

    public synchronized int slotsInUse() {
        return inUse;
    }

    public int slots() {
        return used.length;
    }

    /** The pool's memory. */
    public KernelBlock memory() {
        return memory;
    }

    private int findRun(int slots) {
        int run = 0;
        for (int i = 0; i < used.length; i++) {
            run = used[i] ? 0 : run + 1;
            if (run == slots) {
                return i - slots + 1;
            }
        }
        return -1;
    }
}
