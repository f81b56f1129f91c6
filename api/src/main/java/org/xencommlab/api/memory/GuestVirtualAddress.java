package org.xencommlab.api.memory;

/**
 * A virtual address in a guest address space (a user process's or the guest kernel's). On x86 this is what a pointer-based hypercall argument carries; the hypervisor can only use it by walking the guest's page tables.
 *
 * @param value the address; any 64-bit value (validity is checked where the address is used)
 */
public record GuestVirtualAddress(long value) {
    /** This address plus {@code bytes}. */
    public GuestVirtualAddress plus(long bytes) {
        return new GuestVirtualAddress(value + bytes);
    }

    @Override
    public String toString() {
        return "0x" + Long.toHexString(value);
    }
}
