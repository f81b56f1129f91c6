package org.xencommlab.api.abi.console;

import java.util.ArrayList;
import java.util.List;
import org.xencommlab.api.abi.HypercallRequest;
import org.xencommlab.api.hypercall.HypercallNumber;

/**
 * {@code console_io(CONSOLEIO_read, count, buffer)}: reads up to {@code count} bytes of the
 * hypervisor's console input.
 *
 * @param count the most bytes to read
 */
public record ConsoleReadRequest(int count) implements HypercallRequest<ConsoleReadOutcome> {
    public ConsoleReadRequest {
        if (count < 0) {
            throw new IllegalArgumentException("negative count");
        }
    }

    @Override
    public int hypercall() {
        return HypercallNumber.CONSOLE_IO;
    }

    /**
     * Reads of at most {@code maxBytes} each whose counts add up to {@code count}. Unlike a write, a
     * caller issues the next only if the previous one filled its count.
     */
    public List<ConsoleReadRequest> split(int maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
        }
        if (count <= maxBytes) {
            return List.of(this);
        }
        List<ConsoleReadRequest> parts = new ArrayList<>();
        for (int from = 0; from < count; from += maxBytes) {
            parts.add(new ConsoleReadRequest(Math.min(maxBytes, count - from)));
        }
        return List.copyOf(parts);
    }
}
