package org.xencommlab.api.abi.console;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.xencommlab.api.abi.HypercallRequest;
import org.xencommlab.api.hypercall.HypercallNumber;

/**
 * {@code console_io(CONSOLEIO_write, count, buffer)}: the outcome is the result (0, or a negative errno).
 *
 * @param bytes the bytes to write, copied
 */
public record ConsoleWriteRequest(byte[] bytes) implements HypercallRequest<Long> {
    public ConsoleWriteRequest {
        bytes = bytes.clone();
    }

    @Override
    public int hypercall() {
        return HypercallNumber.CONSOLE_IO;
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    public int count() {
        return bytes.length;
    }

    /**
     * This write split into writes of at most {@code maxBytes} bytes, in order; their bytes
     * concatenated are this write's. A write that fits is returned alone.
     */
    public List<ConsoleWriteRequest> split(int maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
        }
        if (bytes.length <= maxBytes) {
            return List.of(this);
        }
        List<ConsoleWriteRequest> parts = new ArrayList<>();
        for (int from = 0; from < bytes.length; from += maxBytes) {
            parts.add(new ConsoleWriteRequest(Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + maxBytes))));
        }
        return List.copyOf(parts);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConsoleWriteRequest r && Arrays.equals(r.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "ConsoleWriteRequest[count=" + bytes.length + "]";
    }
}
