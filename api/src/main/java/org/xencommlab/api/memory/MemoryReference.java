package org.xencommlab.api.memory;

/**
 * The one word a hypercall argument (or a guest handle inside a structure) carries to name guest
 * memory. Its meaning belongs to the active arch backend, and only the backend's two halves make
 * and interpret it: on x86 it is a guest virtual address; on ppc it is {@code bufid | offset}, a
 * xencomm descriptor's guest-physical address, or an inline physical address. The rest of the lab
 * treats it as opaque.
 *
 * @param value the raw 64-bit word exactly as the guest wrote it
 */
public record MemoryReference(long value) {
    /** The reference that names nothing (a NULL guest handle). */
    public static final MemoryReference NULL = new MemoryReference(0);

    public boolean isNull() {
        return value == 0;
    }

    @Override
    public String toString() {
        return "memref:0x" + Long.toHexString(value);
    }
}
