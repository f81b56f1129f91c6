package org.xencommlab.api.memory;

/**
 * A guest-physical frame number (a gfn, or pfn in Linux's words): guest-physical address divided by the page size.
 *
 * @param value the frame number, never negative
 */
public record GuestFrameNumber(long value) {
    public GuestFrameNumber {
        if (value < 0) {
            throw new IllegalArgumentException("frame number is negative: " + value);
        }
    }

    @Override
    public String toString() {
        return "0x" + Long.toHexString(value);
    }
}
