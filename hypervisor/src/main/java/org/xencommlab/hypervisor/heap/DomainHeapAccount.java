package org.xencommlab.hypervisor.heap;

import org.xencommlab.api.hypercall.XenHeapAccount;

/**
 * One domain's account at the {@link XenHeap}. A charge succeeds whole or changes nothing; neither
 * the domain's quota nor the global budget is ever exceeded. Once the domain is destroyed the
 * account is closed: charges fail and releases are ignored (what it held was reclaimed).
 *
 * <p>Releasing more than the domain holds is a bug in the caller and throws
 * {@link IllegalStateException}, changing nothing.
 */
public final class DomainHeapAccount implements XenHeapAccount {
    private final XenHeap heap;
    private final int domid;
    private final long quota;
    // Guarded by the heap's lock.
    private long used;
    private boolean closed;

    DomainHeapAccount(XenHeap heap, int domid, long quota) {
        this.heap = heap;
        this.domid = domid;
        this.quota = quota;
    }

    public int domid() {
        return domid;
    }

    @Override
    public boolean tryCharge(long bytes) {
        return heap.charge(this, bytes);
    }

    @Override
    public void release(long bytes) {
        heap.release(this, bytes);
    }

    @Override
    public long used() {
        return heap.usedOf(this);
    }

    @Override
    public long quota() {
        return quota;
    }

    long usedLocked() {
        return used;
    }

    void addLocked(long delta) {
        used += delta;
    }

    boolean isClosedLocked() {
        return closed;
    }

    void closeLocked() {
        closed = true;
        used = 0;
    }

    @Override
    public String toString() {
        return "heap account of d" + domid;
    }
}
