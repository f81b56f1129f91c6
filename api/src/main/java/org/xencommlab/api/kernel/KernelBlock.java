package org.xencommlab.api.kernel;

/**
 * A physically contiguous block of guest-kernel memory (from {@code kmalloc} or a reserved area).
 *
 * @param kernelAddress its kernel (direct-map) virtual address
 * @param physicalAddress its guest-physical address
 * @param length its length in bytes
 */
public record KernelBlock(long kernelAddress, long physicalAddress, int length) {
    public KernelBlock {
        if (length <= 0) {
            throw new IllegalArgumentException("length must be positive: " + length);
        }
        if (physicalAddress < 0) {
            throw new IllegalArgumentException("negative physical address");
        }
    }
}
