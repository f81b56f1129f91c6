package org.xencommlab.arch.cvm.guest;

import org.xencommlab.api.kernel.KernelBlock;

/**
 * A run of bounce-pool slots, all of it shared memory.
 *
 * @param block the slots as kernel memory (its length is a whole number of slots)
 * @param firstSlot index of the first slot in the pool
 * @param slots how many slots
 */
public record BounceMapping(KernelBlock block, int firstSlot, int slots) {
    /** The guest-physical address of the first byte: what the hypervisor is given. */
    public long physicalAddress() {
        return block.physicalAddress();
    }
}
