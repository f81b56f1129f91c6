package org.xencommlab.api.memory;

/**
 * An address in the machine's real memory, owned by the hypervisor.
 *
 * @param value the address; any 64-bit value (validity is checked where the address is used)
 */
public record MachineAddress(long value) {
    /** This address plus {@code bytes}. */
    public MachineAddress plus(long bytes) {
        return new MachineAddress(value + bytes);
    }

    @Override
    public String toString() {
        return "0x" + Long.toHexString(value);
    }
}
