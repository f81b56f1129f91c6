package org.xencommlab.examples.scenario;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import org.xencommlab.guest.GuestConfig;
import org.xencommlab.hypervisor.HypervisorConfig;

/**
 * The machine sizes a scenario runs with: the defaults unless the scenario needs a smaller quota,
 * a lower lock limit and the like to make its point, or the user set the machine's memory
 * ({@code --set machine-memory=64GiB}, see {@link #parseMemory}).
 */
public record MachineSettings(HypervisorConfig hypervisor, GuestConfig guest) {
    /** The key of the machine-memory setting. */
    public static final String MEMORY = "machine-memory";
    /** The smallest machine: room for dom0 (64 MiB) and a guest. */
    public static final long MIN_MEMORY_BYTES = 128L << 20;
    /**
     * The largest machine: 4 TiB (2^30 frames of 4 KiB, what the machine's frame numbers and the
     * guest kernel's frame allocator index with an int).
     */
    public static final long MAX_MEMORY_BYTES = 4L << 40;

    public MachineSettings {
        requireNonNull(hypervisor, "hypervisor is null");
        requireNonNull(guest, "guest is null");
    }

    public static MachineSettings defaults() {
        return new MachineSettings(HypervisorConfig.defaults(), GuestConfig.defaults());
    }

    /** These settings with {@code bytes} of machine memory. */
    public MachineSettings withMemoryBytes(long bytes) {
        return new MachineSettings(hypervisor.withMachineMemoryBytes(bytes), guest);
    }

    /**
     * Parses a machine-memory size: a whole number followed by a unit, {@code B}, {@code KiB},
     * {@code MiB}, {@code GiB} or {@code TiB} (binary units; case does not matter; no spaces, no
     * sign, no fraction), e.g. {@code 64GiB}, {@code 1536MiB}. The size must be a whole number of
     * 64 KiB (every arch's page divides it) from {@link #MIN_MEMORY_BYTES} to {@link #MAX_MEMORY_BYTES}.
     *
     * @return the size in bytes
     * @throws IllegalArgumentException saying what is wrong and what is valid
     */
    public static long parseMemory(String text) {
        requireNonNull(text, "text is null");
        String usage = "bad value '" + text + "' for " + MEMORY + "; valid: a size from 128MiB to 4TiB, a whole number"
                + " with a unit B, KiB, MiB, GiB or TiB (e.g. 64GiB), a multiple of 64KiB";
        int digits = 0;
        while (digits < text.length() && text.charAt(digits) >= '0' && text.charAt(digits) <= '9') {
            digits++;
        }
        if (digits == 0 || digits > 19) {
            throw new IllegalArgumentException(usage);
        }
        int shift = switch (text.substring(digits).toLowerCase(Locale.ROOT)) {
            case "b" -> 0;
            case "kib" -> 10;
            case "mib" -> 20;
            case "gib" -> 30;
            case "tib" -> 40;
            default -> throw new IllegalArgumentException(usage);
        };
        long number = Long.parseLong(text.substring(0, digits));
        if (number > (MAX_MEMORY_BYTES >>> shift)) {
            throw new IllegalArgumentException(usage);
        }
        long bytes = number << shift;
        if (bytes < MIN_MEMORY_BYTES || bytes > MAX_MEMORY_BYTES || (bytes & 0xFFFF) != 0) {
            throw new IllegalArgumentException(usage);
        }
        return bytes;
    }
}
