package org.xencommlab.api.abi.console;

import java.util.Arrays;

/**
 * What a console read gave back.
 *
 * @param result bytes read, or a negative errno
 * @param bytes the bytes read ({@code min(result, count)} of them; none on error), copied
 */
public record ConsoleReadOutcome(long result, byte[] bytes) {
    public ConsoleReadOutcome {
        bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConsoleReadOutcome r && r.result == result && Arrays.equals(r.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(result) * 31 + Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "ConsoleReadOutcome[result=" + result + ", bytes=" + bytes.length + "]";
    }
}
