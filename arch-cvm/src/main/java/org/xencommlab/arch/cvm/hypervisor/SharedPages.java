package org.xencommlab.arch.cvm.hypervisor;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One domain's page states as the hardware keeps them (SNP's RMP, TDX's Secure EPT): every frame
 * is private unless it is in this set. Only the page-state change hypercall changes it, and the
 * domain's destruction empties it for good. Lives in
 * hardware-owned memory in a real machine, so nothing is charged to the Xen heap. Thread-safe.
 */
public final class SharedPages {
    private final Set<Long> shared = ConcurrentHashMap.newKeySet();
    private volatile boolean released;

    /** Whether {@code gfn} is shared; nothing is shared once the table is released. */
    public boolean isShared(long gfn) {
        return !released && shared.contains(gfn);
    }

    /** Sets {@code gfn}'s state; false (and nothing changes) once the table is released. */
    synchronized boolean set(long gfn, boolean toShared) {
        if (released) {
            return false;
        }
        if (toShared) {
            shared.add(gfn);
        } else {
            shared.remove(gfn);
        }
        return true;
    }

    /** Forgets every page state, when the domain is destroyed: the hardware's table is torn down with it. */
    synchronized void release() {
        released = true;
        shared.clear();
    }

    /** Whether the domain was destroyed. */
    public boolean isReleased() {
        return released;
    }

    /** Frames shared now. */
    public int sharedCount() {
        return shared.size();
    }
}
