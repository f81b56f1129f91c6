package org.xencommlab.arch.cvm.hypervisor;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One domain's page states as the hardware keeps them (SNP's RMP, TDX's Secure EPT): every frame
 * is private unless it is in this set. Only the page-state change hypercall changes it. Lives in
 * hardware-owned memory in a real machine, so nothing is charged to the Xen heap. Thread-safe.
 */
public final class SharedPages {
    private final Set<Long> shared = ConcurrentHashMap.newKeySet();

    public boolean isShared(long gfn) {
        return shared.contains(gfn);
    }

    /** Sets {@code gfn}'s state; true if it changed. */
    boolean set(long gfn, boolean toShared) {
        return toShared ? shared.add(gfn) : shared.remove(gfn);
    }

    /** Frames shared now. */
    public int sharedCount() {
        return shared.size();
    }
}
