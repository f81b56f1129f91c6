package org.xencommlab.api.paging;

/**
 * Where user space and the kernel's direct map lie in an arch's virtual address space.
 *
 * @param userStart lowest user address a process may map
 * @param userEnd first address above user space
 * @param kernelDirectMapBase virtual address of guest-physical address 0 in the kernel's direct
 *     map: a kernel address is {@code kernelDirectMapBase + guestPhysical}
 * @param virtualAddressBits significant bits of a virtual address; an address is canonical when
 *     bits 63 down to {@code virtualAddressBits - 1} are all equal
 */
public record AddressSpaceLayout(long userStart, long userEnd, long kernelDirectMapBase, int virtualAddressBits) {
    public AddressSpaceLayout {
        if (Long.compareUnsigned(userStart, userEnd) >= 0) {
            throw new IllegalArgumentException("empty user range");
        }
        if (virtualAddressBits < 32 || virtualAddressBits > 64) {
            throw new IllegalArgumentException("virtualAddressBits out of range: " + virtualAddressBits);
        }
    }

    /** Whether {@code address} is canonical (sign-extended from the top significant bit). */
    public boolean isCanonical(long address) {
        if (virtualAddressBits == 64) {
            return true;
        }
        long top = address >> (virtualAddressBits - 1);
        return top == 0 || top == -1;
    }

    /** Whether [address, address + length) lies inside user space, with no wrap-around. */
    public boolean isUserRange(long address, long length) {
        if (length < 0) {
            return false;
        }
        long end = address + length;
        return Long.compareUnsigned(address, userStart) >= 0
                && Long.compareUnsigned(end, address) >= 0
                && Long.compareUnsigned(end, userEnd) <= 0;
    }

    /** The kernel direct-map address of guest-physical {@code physical}. */
    public long kernelAddressOf(long physical) {
        return kernelDirectMapBase + physical;
    }
}
