package org.xencommlab.guest;

/**
 * The guest side's configuration for one run: every kernel booted in the run, the machine's
 * scheduler and the user-space library read it. The composition root binds one instance
 * ({@link #defaults()} unless a scenario says otherwise); a kernel may also be booted with its own.
 *
 * @param mlockLimitPages {@code RLIMIT_MEMLOCK} of every process, in pages: {@code mlock} beyond
 *     it fails with ENOMEM (Linux's default since 5.16 is 8 MiB, 2048 pages of 4 KiB)
 * @param swapSlots pages the swap device holds; a full swap device stops eviction
 * @param kernelReservePages guest frames from 0 that the kernel keeps for itself at boot (its
 *     image, low memory); never handed out
 * @param mmapMinAddress lowest address {@code mmap} places a mapping at ({@code vm.mmap_min_addr},
 *     65536 by default, so that a user address is never 0, the NULL handle)
 * @param vcpus vCPUs of each domain; process {@code pid} runs on vCPU {@code pid % vcpus}
 * @param seed the run's seed: the scheduler's background activities draw from it
 * @param migrationDelayPoints scheduling points between compaction's phase 1 (entry made a
 *     migration entry, bytes copied) and phase 2 (new frame installed), at least 1
 * @param hypercallRetries how many times the library re-issues a hypercall that failed with
 *     -EFAULT (libxc: 3)
 */
public record GuestConfig(
        int mlockLimitPages,
        int swapSlots,
        int kernelReservePages,
        long mmapMinAddress,
        int vcpus,
        long seed,
        int migrationDelayPoints,
        int hypercallRetries) {
    public GuestConfig {
        if (mlockLimitPages < 0) {
            throw new IllegalArgumentException("mlockLimitPages is negative: " + mlockLimitPages);
        }
        if (swapSlots < 0) {
            throw new IllegalArgumentException("swapSlots is negative: " + swapSlots);
        }
        if (kernelReservePages < 0) {
            throw new IllegalArgumentException("kernelReservePages is negative: " + kernelReservePages);
        }
        if (mmapMinAddress < 0) {
            throw new IllegalArgumentException("mmapMinAddress is negative: " + mmapMinAddress);
        }
        if (vcpus < 1) {
            throw new IllegalArgumentException("vcpus must be at least 1: " + vcpus);
        }
        if (migrationDelayPoints < 1) {
            throw new IllegalArgumentException("migrationDelayPoints must be at least 1: " + migrationDelayPoints);
        }
        if (hypercallRetries < 0) {
            throw new IllegalArgumentException("hypercallRetries is negative: " + hypercallRetries);
        }
    }

    /** 2048 locked pages, 4096 swap slots, 16 reserved frames, mmap from 64 KiB, 1 vCPU, seed 1, phase 2 one point later, 3 retries. */
    public static GuestConfig defaults() {
        return new GuestConfig(2048, 4096, 16, 0x10000, 1, 1, 1, 3);
    }

    public GuestConfig withMlockLimitPages(int pages) {
        return new GuestConfig(pages, swapSlots, kernelReservePages, mmapMinAddress, vcpus, seed, migrationDelayPoints, hypercallRetries);
    }

    public GuestConfig withSwapSlots(int slots) {
        return new GuestConfig(mlockLimitPages, slots, kernelReservePages, mmapMinAddress, vcpus, seed, migrationDelayPoints, hypercallRetries);
    }

    public GuestConfig withKernelReservePages(int pages) {
        return new GuestConfig(mlockLimitPages, swapSlots, pages, mmapMinAddress, vcpus, seed, migrationDelayPoints, hypercallRetries);
    }

    public GuestConfig withVcpus(int n) {
        return new GuestConfig(mlockLimitPages, swapSlots, kernelReservePages, mmapMinAddress, n, seed, migrationDelayPoints, hypercallRetries);
    }

    public GuestConfig withSeed(long newSeed) {
        return new GuestConfig(mlockLimitPages, swapSlots, kernelReservePages, mmapMinAddress, vcpus, newSeed, migrationDelayPoints, hypercallRetries);
    }

    public GuestConfig withMigrationDelayPoints(int points) {
        return new GuestConfig(mlockLimitPages, swapSlots, kernelReservePages, mmapMinAddress, vcpus, seed, points, hypercallRetries);
    }

    public GuestConfig withHypercallRetries(int retries) {
        return new GuestConfig(mlockLimitPages, swapSlots, kernelReservePages, mmapMinAddress, vcpus, seed, migrationDelayPoints, retries);
    }
}
