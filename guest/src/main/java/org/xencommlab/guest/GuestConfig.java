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
 *     -EFAULT under {@link RetryPolicy#EVERY_CALL}
 * @param retryPolicy which hypercalls the library re-issues after -EFAULT ({@link RetryPolicy})
 */
public record GuestConfig(
        int mlockLimitPages,
        int swapSlots,
        int kernelReservePages,
        long mmapMinAddress,
        int vcpus,
        long seed,
        int migrationDelayPoints,
        int hypercallRetries,
        RetryPolicy retryPolicy) {

    /**
     * Which hypercalls the libxc-like library re-issues when they fail with -EFAULT (a page the
     * hypervisor could not reach, such as one caught between compaction's phases).
     */
    public enum RetryPolicy {
        /**
         * Real libxc (tools/libs/ctrl/xc_private.h, {@code do_domctl_retry_efault}): only
         * {@code XEN_DOMCTL_getpageframeinfo3} is retried, 2 times, and not at all when
         * {@code xencall_buffers_never_fault()}. The lab issues no domctl, so under this policy no
         * call is retried: every -EFAULT reaches the tool as it happened.
         */
        LIBXC,
        /**
         * Not libxc: every hypercall that fails with -EFAULT is re-issued up to
         * {@link GuestConfig#hypercallRetries()} times. It shows what a retry can hide; the
         * {@code compaction} scenario, which is about that retry, selects it.
         */
        EVERY_CALL;

        /** How many times a call of hypercall {@code op} that failed with -EFAULT is re-issued. */
        public int retriesFor(int op, int configuredRetries) {
            return this == EVERY_CALL ? configuredRetries : 0;
        }
    }

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
        if (retryPolicy == null) {
            throw new IllegalArgumentException("retryPolicy is null");
        }
    }

    /** 2048 locked pages, 4096 swap slots, 16 reserved frames, mmap from 64 KiB, 1 vCPU, seed 1, phase 2 one point later, libxc's retry policy (3 retries when every call is retried). */
    public static GuestConfig defaults() {
        return new GuestConfig(2048, 4096, 16, 0x10000, 1, 1, 1, 3, RetryPolicy.LIBXC);
    }

    public GuestConfig withMlockLimitPages(int pages) {
        return new GuestConfig(pages, swapSlots, kernelReservePages, mmapMinAddress, vcpus, seed, migrationDelayPoints, hypercallRetries, retryPolicy);
    }

    public GuestConfig withSwapSlots(int slots) {
        return new GuestConfig(mlockLimitPages, slots, kernelReservePages, mmapMinAddress, vcpus, seed, migrationDelayPoints, hypercallRetries, retryPolicy);
    }

    public GuestConfig withKernelReservePages(int pages) {
        return new GuestConfig(mlockLimitPages, swapSlots, pages, mmapMinAddress, vcpus, seed, migrationDelayPoints, hypercallRetries, retryPolicy);
    }

    public GuestConfig withVcpus(int n) {
        return new GuestConfig(mlockLimitPages, swapSlots, kernelReservePages, mmapMinAddress, n, seed, migrationDelayPoints, hypercallRetries, retryPolicy);
    }

    public GuestConfig withSeed(long newSeed) {
        return new GuestConfig(mlockLimitPages, swapSlots, kernelReservePages, mmapMinAddress, vcpus, newSeed, migrationDelayPoints, hypercallRetries, retryPolicy);
    }

    public GuestConfig withMigrationDelayPoints(int points) {
        return new GuestConfig(mlockLimitPages, swapSlots, kernelReservePages, mmapMinAddress, vcpus, seed, points, hypercallRetries, retryPolicy);
    }

    public GuestConfig withHypercallRetries(int retries) {
        return new GuestConfig(mlockLimitPages, swapSlots, kernelReservePages, mmapMinAddress, vcpus, seed, migrationDelayPoints, retries, retryPolicy);
    }

    public GuestConfig withRetryPolicy(RetryPolicy policy) {
        return new GuestConfig(mlockLimitPages, swapSlots, kernelReservePages, mmapMinAddress, vcpus, seed, migrationDelayPoints, hypercallRetries, policy);
    }
}
