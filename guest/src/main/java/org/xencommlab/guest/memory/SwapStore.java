package org.xencommlab.guest.memory;

import java.util.BitSet;

/**
 * A kernel's swap device: a bounded number of page-sized slots holding the bytes of evicted
 * pages, keyed by slot number. Slots are handed out lowest first (deterministic). Thread-safe.
 */
public final class SwapStore {
    private final int pageBytes;
    private final byte[][] slots;
    private final BitSet used;
    private int inUse;

    public SwapStore(int slotCount, int pageBytes) {
        if (slotCount < 0) {
            throw new IllegalArgumentException("negative slot count");
        }
        this.pageBytes = pageBytes;
        this.slots = new byte[slotCount][];
        this.used = new BitSet(slotCount);
    }

    /** A free slot, now in use, or -1 if the device is full. */
    public synchronized int allocate() {
        int slot = used.nextClearBit(0);
        if (slot >= slots.length) {
            return -1;
        }
        used.set(slot);
        inUse++;
        if (slots[slot] == null) {
            slots[slot] = new byte[pageBytes];
        }
        return slot;
    }

    /** The bytes of slot {@code slot}, to fill on swap-out or read on swap-in. */
    public synchronized byte[] contents(int slot) {
        checkUsed(slot);
        return slots[slot];
    }

    /** Frees a slot (its bytes are kept for reuse, overwritten on the next swap-out). */
    public synchronized void free(int slot) {
        checkUsed(slot);
        used.clear(slot);
        inUse--;
    }

    public synchronized int slotsInUse() {
        return inUse;
    }

    public int capacity() {
        return slots.length;
    }

    private void checkUsed(int slot) {
        if (slot < 0 || slot >= slots.length || !used.get(slot)) {
            throw new IllegalStateException("swap slot " + slot + " is not in use");
        }
    }
}
