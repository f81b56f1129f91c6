package org.xencommlab.arch.cvm.hypervisor;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One domain's page states as the hardware keeps them (SNP's RMP, TDX's Secure EPT): every frame
 * is private unless it is in this set. The page-state change hypercall changes it; a gfn that
 * leaves the domain's RAM is forgotten ({@link #forget}), since the hardware reclaims a frame the
 * host takes back and a frame it gives later starts private; the domain's destruction empties it
 * for good. Lives in hardware-owned memory in a real machine, so nothing is charged to the Xen
 * heap. Thread-safe.
 *
 * <p>A conversion checks that its gfn is RAM and then sets the state; a removal of that gfn in
 * between would leave a state for a gfn that is no longer RAM (or, once it is populated again,
 * for a frame the guest never converted). So a conversion reads {@link #removals()} before its
 * check and sets with {@link #set(long, boolean, long)}, which refuses ({@link SetOutcome#STALE}) if
 * any gfn was forgotten since; the caller then checks again.
 */
public final class SharedPages {
    /** What {@link #set(long, boolean, long)} did. */
    enum SetOutcome {
        /** The state is set. */
        DONE,
        /** Nothing changed: a gfn left the domain's RAM since the caller's check. */
        STALE,
        /** Nothing changed: the domain was destroyed. */
        RELEASED
    }

    private final Set<Long> shared = ConcurrentHashMap.newKeySet();
    private volatile boolean released;
    /** Gfns forgotten so far; guarded by this. */
    private long removals;

    /** Whether {@code gfn} is shared; nothing is shared once the table is released. */
    public boolean isShared(long gfn) {
        return !released && shared.contains(gfn);
    }

    /** Sets {@code gfn}'s state; false (and nothing changes) once the table is released. */
    synchronized boolean set(long gfn, boolean toShared) {
        return set(gfn, toShared, removals) == SetOutcome.DONE;
    }

    /**
     * Sets {@code gfn}'s state if no gfn was forgotten since {@link #removals()} returned
     * {@code removalsSeen} (the caller checked, after that, that {@code gfn} is RAM).
     */
    synchronized SetOutcome set(long gfn, boolean toShared, long removalsSeen) {
        if (released) {
            return SetOutcome.RELEASED;
        }
        if (removals != removalsSeen) {
            return SetOutcome.STALE;
        }
        if (toShared) {
            shared.add(gfn);
        } else {
            shared.remove(gfn);
        }
        return SetOutcome.DONE;
    }

    /** Gfns forgotten so far: read before checking that a gfn is RAM, for {@link #set(long, boolean, long)}. */
    synchronized long removals() {
        return removals;
    }

    /**
     * Forgets {@code gfn}'s state: it left the domain's RAM, so the frame that was behind it is
     * reclaimed and a frame populated there later is private. Does nothing once released. Quick
     * and lock-free but for this table's own monitor, as a notice given under the domain's lock
     * must be.
     */
    synchronized void forget(long gfn) {
        if (released) {
            return;
        }
        removals++;
        shared.remove(gfn);
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
