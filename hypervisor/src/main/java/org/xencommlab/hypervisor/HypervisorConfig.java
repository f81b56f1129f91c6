package org.xencommlab.hypervisor;

import org.xencommlab.api.abi.memory.ReservationLimits;
import org.xencommlab.api.hypercall.XenRelease;

/**
 * The hypervisor's configuration for one run. The composition root binds one instance (usually
 * {@link #defaults()}, possibly with a few values changed through the {@code with...} methods).
 * The defaults are Xen's (4.19, x86-64, a release build); docs/FIDELITY.md lists every setting
 * whose other values make the lab differ from Xen on purpose.
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
 *     the call as a handler bug (a guard against a handler that continues without doing work:
 *     one that polls is bounded by {@code workBudget} first)
 * @param workBudget the simulated time one guest hypercall may spend in the hypervisor, in work
 *     units: one per hypervisor entry (the call's and each continuation's) and one per preemption
 *     poll (each poll marks one unit of handler work done). Xen lets a guest's call run as long as
 *     its continuations go on (it is the guest's own vCPU time); the lab bounds it so that a guest
 *     cannot hold a run for minutes. A call that spends its budget ends with -EBUSY, a
 *     guest-caused outcome traced as a fault, never counted as a handler bug. The default, 2^22
 *     units, is far above any scenario's longest call.
 * @param maxVcpus the most vCPUs a domain may have
 * @param domUMaxOrder the largest extent order an ordinary domain's memory operation accepts
 *     (Xen's {@code memop-max-order} domU value, {@code CONFIG_DOMU_MAX_ORDER}: 9 on x86)
 * @param ctlDomMaxOrder the largest extent order for the control domain (Xen's
 *     {@code CONFIG_CTLDOM_MAX_ORDER}, 18 on x86); xen/common/memory.c {@code max_order()} gives
 *     the control domain the larger of the two
 * @param consoleChunkBytes bytes {@code console_io} write copies per chunk (Xen copies
 *     {@code sizeof(kbuf) - 1} = 127 of its {@code char kbuf[128]})
 * @param consoleOutputBytes bytes of each domain's console output kept, as Xen's console ring
 *     (older bytes are dropped first; the total written is still counted)
 * @param consoleInputBytes capacity of each domain's console input ring
 * @param consoleAccess which domains may use {@code console_io} ({@link ConsoleAccess})
 * @param increaseReservation what {@code increase_reservation} does with a new extent
 *     ({@link IncreaseReservation}); the default is Xen's for the guests the lab models, translated ones
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
        long workBudget,
        int maxVcpus,
        int domUMaxOrder,
        int ctlDomMaxOrder,
        int consoleChunkBytes,
        int consoleOutputBytes,
        int consoleInputBytes,
        ConsoleAccess consoleAccess,
        IncreaseReservation increaseReservation,
        int versionMajor,
        int versionMinor,
        String extraVersion) {

    /**
     * Who may use {@code console_io}: Xen's default XSM policy, {@code xsm_console_io}
     * (xen/include/xsm/dummy.h), lets the control (and console) domain do everything, and refuses
     * every other domain with -EPERM, except that a hypervisor built with
     * {@code CONFIG_VERBOSE_DEBUG} lets any domain write (never read).
     */
    public enum ConsoleAccess {
        /** Xen's release build: only a privileged domain may use console_io; others get -EPERM. */
        RELEASE,
        /** Xen built with {@code CONFIG_VERBOSE_DEBUG}: any domain may write; only a privileged one may read. */
        VERBOSE_DEBUG,
        /** Not Xen: any domain may read and write (the lab's behaviour before it modelled the XSM hook). */
        OPEN;

        /** Whether a domain ({@code privileged} or not) may issue console_io command {@code cmd}. */
        public boolean allows(boolean privileged, long cmd) {
            return privileged || this == OPEN
                    || this == VERBOSE_DEBUG && cmd == org.xencommlab.api.hypercall.SubOps.ConsoleIo.WRITE;
        }
    }

    /**
     * What {@code XENMEM_increase_reservation} does with each extent it allocates. Xen
     * (xen/common/memory.c {@code increase_reservation}) allocates the extent to the domain
     * ({@code alloc_domheap_pages}: owned, counted in {@code tot_pages}, bounded by
     * {@code max_pages}) and enters it in no p2m; only for a domain that is not
     * {@code paging_mode_translate} does it write the extent's first machine frame into
     * {@code extent_start[i]}, and a fault on that write stops the call with the extent still
     * allocated and not counted. Frames a domain owns but has not mapped stay its own (they count
     * in {@code tot_pages} and the hypervisor's audit) until the domain is destroyed.
     */
    public enum IncreaseReservation {
        /**
         * Xen for a translated domain (HVM, PVH), which every lab domain is (the hypervisor keeps
         * its p2m): the extent is allocated, not mapped, and nothing is written back.
         */
        TRANSLATED,
        /**
         * Xen for a PV domain: the extent is allocated (2^order machine-contiguous frames aligned to
         * the order, as Xen's buddy allocator gives them), not mapped, and its first machine frame
         * is written back. A PV guest would then map it itself through its own p2m and Xen's m2p;
         * the lab has no hypercall for that, so the frames stay unreachable to the guest.
         */
        PV,
        /**
         * Not Xen (the lab's behaviour before it modelled this): the extent is mapped at the lowest
         * unpopulated guest frames aligned to the order and that guest frame is written back; if
         * the write faults, the extent is given back.
         */
        LAB_MAPPED
    }

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
        if (workBudget < 1) {
            throw new IllegalArgumentException("workBudget must be at least 1: " + workBudget);
        }
        if (maxVcpus < 1) {
            throw new IllegalArgumentException("maxVcpus must be at least 1: " + maxVcpus);
        }
        if (domUMaxOrder < 0 || domUMaxOrder > 20 || ctlDomMaxOrder < 0 || ctlDomMaxOrder > 20) {
            throw new IllegalArgumentException("extent orders must be 0..20: " + domUMaxOrder + ", " + ctlDomMaxOrder);
        }
        if (consoleChunkBytes < 1 || consoleOutputBytes < 0 || consoleInputBytes < 0) {
            throw new IllegalArgumentException("bad console sizes");
        }
        if (consoleAccess == null) {
            throw new IllegalArgumentException("consoleAccess is null");
        }
        if (increaseReservation == null) {
            throw new IllegalArgumentException("increaseReservation is null");
        }
        if (versionMajor < 0 || versionMajor > 0x7FFF || versionMinor < 0 || versionMinor > 0xFFFF) {
            throw new IllegalArgumentException("version out of range");
        }
        if (extraVersion == null || extraVersion.length() > 15 || !extraVersion.chars().allMatch(c -> c > 0 && c < 128)) {
            throw new IllegalArgumentException("extraVersion must be at most 15 ASCII characters");
        }
    }

    /** 1 GiB of machine memory, 16 MiB of Xen heap with 1 MiB per domain, Xen 4.19's behaviour. */
    public static HypervisorConfig defaults() {
        return new HypervisorConfig(1L << 30, 16L << 20, 1L << 20, 64, 1 << 22, 1L << 22, 8,
                ReservationLimits.DOMU_MAX_ORDER, ReservationLimits.CTLDOM_MAX_ORDER, 127, 1 << 20, 4096,
                ConsoleAccess.RELEASE, IncreaseReservation.TRANSLATED, XenRelease.MAJOR, XenRelease.MINOR, ".0-lab");
    }

    /**
     * Xen's {@code max_order(d)} (xen/common/memory.c): the largest extent order a memory
     * operation of the calling domain accepts; the control domain gets the larger of the two.
     */
    public int maxOrder(boolean controlDomain) {
        return controlDomain ? Math.max(domUMaxOrder, ctlDomMaxOrder) : domUMaxOrder;
    }

    /** The largest extent order any domain may use (the domain's own bound on an extent). */
    public int maxExtentOrder() {
        return Math.max(domUMaxOrder, ctlDomMaxOrder);
    }

    public HypervisorConfig withMachineMemoryBytes(long bytes) {
        return new HypervisorConfig(bytes, xenHeapBytes, domainHeapQuotaBytes, preemptionPolls, maxContinuations,
                workBudget, maxVcpus, domUMaxOrder, ctlDomMaxOrder, consoleChunkBytes, consoleOutputBytes,
                consoleInputBytes, consoleAccess, increaseReservation, versionMajor, versionMinor, extraVersion);
    }

    public HypervisorConfig withXenHeap(long globalBytes, long perDomainQuotaBytes) {
        return new HypervisorConfig(machineMemoryBytes, globalBytes, perDomainQuotaBytes, preemptionPolls,
                maxContinuations, workBudget, maxVcpus, domUMaxOrder, ctlDomMaxOrder, consoleChunkBytes,
                consoleOutputBytes, consoleInputBytes, consoleAccess, increaseReservation, versionMajor, versionMinor, extraVersion);
    }

    public HypervisorConfig withPreemptionPolls(int polls) {
        return new HypervisorConfig(machineMemoryBytes, xenHeapBytes, domainHeapQuotaBytes, polls, maxContinuations,
                workBudget, maxVcpus, domUMaxOrder, ctlDomMaxOrder, consoleChunkBytes, consoleOutputBytes,
                consoleInputBytes, consoleAccess, increaseReservation, versionMajor, versionMinor, extraVersion);
    }

    public HypervisorConfig withMaxContinuations(int continuations) {
        return new HypervisorConfig(machineMemoryBytes, xenHeapBytes, domainHeapQuotaBytes, preemptionPolls,
                continuations, workBudget, maxVcpus, domUMaxOrder, ctlDomMaxOrder, consoleChunkBytes,
                consoleOutputBytes, consoleInputBytes, consoleAccess, increaseReservation, versionMajor, versionMinor, extraVersion);
    }

    public HypervisorConfig withWorkBudget(long units) {
        return new HypervisorConfig(machineMemoryBytes, xenHeapBytes, domainHeapQuotaBytes, preemptionPolls,
                maxContinuations, units, maxVcpus, domUMaxOrder, ctlDomMaxOrder, consoleChunkBytes,
                consoleOutputBytes, consoleInputBytes, consoleAccess, increaseReservation, versionMajor, versionMinor, extraVersion);
    }

    /** Xen's {@code memop-max-order} boot parameter: the domU and control-domain extent orders. */
    public HypervisorConfig withMaxOrders(int domU, int ctlDom) {
        return new HypervisorConfig(machineMemoryBytes, xenHeapBytes, domainHeapQuotaBytes, preemptionPolls,
                maxContinuations, workBudget, maxVcpus, domU, ctlDom, consoleChunkBytes, consoleOutputBytes,
                consoleInputBytes, consoleAccess, increaseReservation, versionMajor, versionMinor, extraVersion);
    }

    public HypervisorConfig withConsole(int chunkBytes, int outputBytes, int inputBytes) {
        return new HypervisorConfig(machineMemoryBytes, xenHeapBytes, domainHeapQuotaBytes, preemptionPolls,
                maxContinuations, workBudget, maxVcpus, domUMaxOrder, ctlDomMaxOrder, chunkBytes, outputBytes,
                inputBytes, consoleAccess, increaseReservation, versionMajor, versionMinor, extraVersion);
    }

    public HypervisorConfig withConsoleAccess(ConsoleAccess access) {
        return new HypervisorConfig(machineMemoryBytes, xenHeapBytes, domainHeapQuotaBytes, preemptionPolls,
                maxContinuations, workBudget, maxVcpus, domUMaxOrder, ctlDomMaxOrder, consoleChunkBytes,
                consoleOutputBytes, consoleInputBytes, access, increaseReservation, versionMajor, versionMinor, extraVersion);
    }

    public HypervisorConfig withIncreaseReservation(IncreaseReservation behaviour) {
        return new HypervisorConfig(machineMemoryBytes, xenHeapBytes, domainHeapQuotaBytes, preemptionPolls,
                maxContinuations, workBudget, maxVcpus, domUMaxOrder, ctlDomMaxOrder, consoleChunkBytes,
                consoleOutputBytes, consoleInputBytes, consoleAccess, behaviour, versionMajor, versionMinor, extraVersion);
    }
}
