package org.xencommlab.hypervisor;

/**
 * The hypervisor's configuration for one run. The composition root binds one instance (usually
 * {@link #defaults()}, possibly with a few values changed through the {@code with...} methods).
 *
 * @param machineMemoryBytes bytes of machine memory; divided into frames of the arch's page size.
 *     Frames are backed lazily, so a large machine costs only what its guests touch.
 * @param xenHeapBytes the Xen heap's global budget in bytes (registrations and the leaves of
 *     their tables, per-domain tables of arch backends and handlers are charged to it; a ppc
 *     descriptor is walked in place with a cursor of a few words, like the stack variables of
 *     Xen's walk, so it holds nothing to charge)
 * @param domainHeapQuotaBytes the most Xen heap one domain may hold
 * @param preemptionPolls how many times a handler may poll
 *     {@link org.xencommlab.api.hypercall.HypercallContext#preemptionPending()} in one hypervisor
 *     entry before the poll answers true. A handler polls once per unit of work (an extent, a
 *     chunk, an entry), as Xen's {@code hypercall_preempt_check()} is called once per loop
 *     iteration, so this is the work granularity of preemption; 0 makes every poll true. It is a
 *     count, never a time, so runs are deterministic.
 * @param maxContinuations continuations the entry allows for one guest hypercall before it stops
 *     the call as a handler bug (a guard against a handler that makes no progress)
 * @param maxVcpus the most vCPUs a domain may have
 * @param maxExtentOrder the largest extent order a memory operation accepts (Xen's domU
 *     default {@code max_order} is 9, 2 MiB extents of 4 KiB pages)
 * @param consoleChunkBytes bytes {@code console_io} write copies per chunk (Xen's {@code kbuf[128]})
 * @param consoleMaxCount the largest {@code count} {@code console_io} accepts; more is -EINVAL
 * @param consoleOutputBytes bytes of each domain's console output kept, as Xen's console ring
 *     (older bytes are dropped first; the total written is still counted)
 * @param consoleInputBytes capacity of each domain's console input ring
 * @param unprivilegedConsoleIo whether unprivileged domains may use {@code console_io}, as in a
 *     debug build of Xen; when false they get -EPERM, as a release build's XSM policy gives
 * @param versionMajor the major version {@code xen_version} reports
 * @param versionMinor the minor version {@code xen_version} reports
 * @param extraVersion the extra version string (at most 15 characters, ASCII)
 */
public record HypervisorConfig(
        long machineMemoryBytes,
        long xenHeapBytes,
        long domainHeapQuotaBytes,
        int preemptionPolls,
        int maxContinuations,
        int maxVcpus,
        int maxExtentOrder,
        int consoleChunkBytes,
        int consoleMaxCount,
        int consoleOutputBytes,
        int consoleInputBytes,
        boolean unprivilegedConsoleIo,
        int versionMajor,
        int versionMinor,
        String extraVersion) {

    public HypervisorConfig {
        if (machineMemoryBytes <= 0) {
            throw new IllegalArgumentException("machineMemoryBytes must be positive: " + machineMemoryBytes);
        }
        if (xenHeapBytes < 0 || domainHeapQuotaBytes < 0) {
            throw new IllegalArgumentException("heap sizes must not be negative");
        }
        if (preemptionPolls < 0 || maxContinuations < 0) {
            throw new IllegalArgumentException("preemption settings must not be negative");
        }
        if (maxVcpus < 1) {
            throw new IllegalArgumentException("maxVcpus must be at least 1: " + maxVcpus);
        }
        if (maxExtentOrder < 0 || maxExtentOrder > 20) {
            throw new IllegalArgumentException("maxExtentOrder must be 0..20: " + maxExtentOrder);
        }
        if (consoleChunkBytes < 1 || consoleMaxCount < 0 || consoleOutputBytes < 0 || consoleInputBytes < 0) {
            throw new IllegalArgumentException("bad console sizes");
        }
        if (versionMajor < 0 || versionMajor > 0x7FFF || versionMinor < 0 || versionMinor > 0xFFFF) {
            throw new IllegalArgumentException("version out of range");
        }
        if (extraVersion == null || extraVersion.length() > 15 || !extraVersion.chars().allMatch(c -> c > 0 && c < 128)) {
            throw new IllegalArgumentException("extraVersion must be at most 15 ASCII characters");
        }
    }

    /** 1 GiB of machine memory, 16 MiB of Xen heap with 1 MiB per domain, Xen 4.19. */
    public static HypervisorConfig defaults() {
        return new HypervisorConfig(
                1L << 30, 16L << 20, 1L << 20, 64, 1 << 22, 8, 9, 128, 1 << 20, 1 << 20, 4096, true, 4, 19, ".0-lab");
    }

    public HypervisorConfig withMachineMemoryBytes(long bytes) {
        return new HypervisorConfig(bytes, xenHeapBytes, domainHeapQuotaBytes, preemptionPolls, maxContinuations,
                maxVcpus, maxExtentOrder, consoleChunkBytes, consoleMaxCount, consoleOutputBytes, consoleInputBytes,
                unprivilegedConsoleIo, versionMajor, versionMinor, extraVersion);
    }

    public HypervisorConfig withXenHeap(long globalBytes, long perDomainQuotaBytes) {
        return new HypervisorConfig(machineMemoryBytes, globalBytes, perDomainQuotaBytes, preemptionPolls,
                maxContinuations, maxVcpus, maxExtentOrder, consoleChunkBytes, consoleMaxCount, consoleOutputBytes,
                consoleInputBytes, unprivilegedConsoleIo, versionMajor, versionMinor, extraVersion);
    }

    public HypervisorConfig withPreemptionPolls(int polls) {
        return new HypervisorConfig(machineMemoryBytes, xenHeapBytes, domainHeapQuotaBytes, polls, maxContinuations,
                maxVcpus, maxExtentOrder, consoleChunkBytes, consoleMaxCount, consoleOutputBytes, consoleInputBytes,
                unprivilegedConsoleIo, versionMajor, versionMinor, extraVersion);
    }

    public HypervisorConfig withMaxContinuations(int continuations) {
        return new HypervisorConfig(machineMemoryBytes, xenHeapBytes, domainHeapQuotaBytes, preemptionPolls,
                continuations, maxVcpus, maxExtentOrder, consoleChunkBytes, consoleMaxCount, consoleOutputBytes,
                consoleInputBytes, unprivilegedConsoleIo, versionMajor, versionMinor, extraVersion);
    }

    public HypervisorConfig withConsole(int chunkBytes, int maxCount, int outputBytes, int inputBytes) {
        return new HypervisorConfig(machineMemoryBytes, xenHeapBytes, domainHeapQuotaBytes, preemptionPolls,
                maxContinuations, maxVcpus, maxExtentOrder, chunkBytes, maxCount, outputBytes, inputBytes,
                unprivilegedConsoleIo, versionMajor, versionMinor, extraVersion);
    }

    public HypervisorConfig withUnprivilegedConsoleIo(boolean allowed) {
        return new HypervisorConfig(machineMemoryBytes, xenHeapBytes, domainHeapQuotaBytes, preemptionPolls,
                maxContinuations, maxVcpus, maxExtentOrder, consoleChunkBytes, consoleMaxCount, consoleOutputBytes,
                consoleInputBytes, allowed, versionMajor, versionMinor, extraVersion);
    }
}
