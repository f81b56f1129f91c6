package org.xencommlab.api.memory;

/**
 * A machine frame number (an mfn): an index into the machine's real memory, owned by the hypervisor.
 *
 * @param value the frame number, never negative
 */
public record MachineFrameNumber(long value) {
    public MachineFrameNumber {
        if (value < 0) {
            throw new IllegalArgumentException("frame number is negative: " + value);
        }
    }

    @Override
    public String toString() {
        return "0x" + Long.toHexString(value);
    }
}
