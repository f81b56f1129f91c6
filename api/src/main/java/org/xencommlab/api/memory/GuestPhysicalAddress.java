package org.xencommlab.api.memory;

/**
 * An address in a domain's guest-physical address space (what the guest kernel believes is physical memory). The hypervisor maps it to machine memory through the domain's p2m.
 *
 * @param value the address; any 64-bit value (validity is checked where the address is used)
 */
public record GuestPhysicalAddress(long value) {
    /** This address plus {@code bytes}. */
    public GuestPhysicalAddress plus(long bytes) {
        return new GuestPhysicalAddress(value + bytes);
    }

    @Override
    public String toString() {
        return "0x" + Long.toHexString(value);
    }
}
