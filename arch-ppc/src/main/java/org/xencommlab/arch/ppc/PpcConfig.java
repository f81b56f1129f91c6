package org.xencommlab.arch.ppc;

import static java.util.Objects.requireNonNull;

import org.xencommlab.arch.ppc.reference.PpcMemref;

/**
 * The ppc backend's configuration, made from the plugin's parameters.
 *
 * @param mode how user memory reaches the hypervisor: registered buffers ({@code bufid | offset})
 *     or a xencomm descriptor per hypercall
 * @param buffers where a tool's hypercall buffers live: its own anonymous pages, or pages carved
 *     from a kernel-reserved, physically contiguous device area
 * @param cleanup whether the kernel unregisters what a process registered when it exits or is
 *     killed (the mail's Problem #4); {@code false} shows the leak
 * @param maxRegistrations slots of each domain's registration table, 1..{@link PpcMemref#MAX_INDEX}
 * @param devicePages pages of the reserved device area, 1..{@link PpcMemref#MAX_BUFFER_PAGES}
 */
public record PpcConfig(Mode mode, BufferSource buffers, boolean cleanup, int maxRegistrations, int devicePages) {
    public static final int DEFAULT_MAX_REGISTRATIONS = 64;
    public static final int DEFAULT_DEVICE_PAGES = 256;

    /** How user memory reaches the hypervisor. */
    public enum Mode {
        /** The mail's design: buffers registered with the hypervisor, references {@code bufid | offset}. */
        REGISTRATION,
        /** What Xen merged: the kernel describes each user buffer with a xencomm descriptor per hypercall. */
        DESCRIPTOR
    }

    /** Where a tool's hypercall buffers live. */
    public enum BufferSource {
        /** The tool's own anonymous pages (registered in {@link Mode#REGISTRATION}, described in {@link Mode#DESCRIPTOR}). */
        USER,
        /** Pages of a physically contiguous area the kernel reserved, which the tool maps from a device. */
        DEVICE
    }

    public PpcConfig {
        requireNonNull(mode, "mode is null");
        requireNonNull(buffers, "buffers is null");
        if (maxRegistrations < 1 || maxRegistrations > PpcMemref.MAX_INDEX) {
            throw new IllegalArgumentException("max-registrations must be 1.." + PpcMemref.MAX_INDEX + ": " + maxRegistrations);
        }
        if (devicePages < 1 || devicePages > PpcMemref.MAX_BUFFER_PAGES) {
            throw new IllegalArgumentException("device-pages must be 1.." + PpcMemref.MAX_BUFFER_PAGES + ": " + devicePages);
        }
    }

    /** Registration mode, user buffers, clean-up on, the default table and device sizes. */
    public static PpcConfig defaults() {
        return new PpcConfig(Mode.REGISTRATION, BufferSource.USER, true, DEFAULT_MAX_REGISTRATIONS, DEFAULT_DEVICE_PAGES);
    }

    public PpcConfig withMode(Mode newMode) {
        return new PpcConfig(newMode, buffers, cleanup, maxRegistrations, devicePages);
    }

    public PpcConfig withBuffers(BufferSource newBuffers) {
        return new PpcConfig(mode, newBuffers, cleanup, maxRegistrations, devicePages);
    }

    public PpcConfig withCleanup(boolean newCleanup) {
        return new PpcConfig(mode, buffers, newCleanup, maxRegistrations, devicePages);
    }

    public PpcConfig withMaxRegistrations(int newMax) {
        return new PpcConfig(mode, buffers, cleanup, newMax, devicePages);
    }

    public PpcConfig withDevicePages(int newPages) {
        return new PpcConfig(mode, buffers, cleanup, maxRegistrations, newPages);
    }
}
