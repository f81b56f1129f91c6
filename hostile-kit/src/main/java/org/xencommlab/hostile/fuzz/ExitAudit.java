package org.xencommlab.hostile.fuzz;

import java.util.ArrayList;
import java.util.List;
import org.xencommlab.api.metrics.Gauge;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.guest.kernel.GuestKernel;
import org.xencommlab.guest.memory.FrameUse;
import org.xencommlab.hypervisor.control.Hypervisor;
import org.xencommlab.hypervisor.heap.XenHeap;
import org.xencommlab.machine.facade.Machine;

/**
 * What a machine must no longer hold once its processes have ended ({@link Machine#stopAllProcesses}):
 * the audit the fuzz world runs when the attacker's tool exits at the end of a session, and the
 * kill-at-every-point test after every kill. Each entry of a result names one thing left behind and
 * how much of it; an empty list means nothing was.
 *
 * <p>{@link #guestSide} is what the kernels hold for processes; {@link #hypervisorSide} is the
 * hypervisor's own consistency. What the hypervisor holds for a domain on a dead process's behalf
 * (registrations, their pins and heap bytes, and the user frames those pins keep) is not a leak of
 * the kernel as long as the domain's own accounts hold it; it must be given back at the latest when
 * the domain is destroyed, which {@link #afterDestroy} checks. A caller that requires those to be
 * gone at exit already (a kernel that cleans up after its processes) checks {@link #HYPERVISOR_HELD}
 * gauges itself.
 */
public final class ExitAudit {
    /** Gauges of what kernels hold for processes: less what is marked reserved, 0 once every process is gone. */
    public static final List<Gauge> KERNEL_HELD = List.of(Gauge.LOCKED_PAGES, Gauge.DEVICE_BYTES_RESERVED,
            Gauge.DEVICE_BYTES_USED);

    /** Gauges of what the hypervisor holds for a domain on its processes' behalf (registrations and what they keep). */
    public static final List<Gauge> HYPERVISOR_HELD = List.of(Gauge.REGISTRATIONS_LIVE, Gauge.PINNED_FRAMES,
            Gauge.XEN_HEAP_BYTES);

    private ExitAudit() {}

    /**
     * What the kernels of {@code machine}, whose processes have all ended, still hold for processes:
     * <ul>
     *   <li>each {@link #KERNEL_HELD} gauge, less what is marked reserved
     *       ({@link RunMetrics#markReserved});</li>
     *   <li>in each kernel: processes, process page-table frames (beyond the kernel's own), locked
     *       pages, swap slots, busy per-vCPU argument pages; user frames and orphaned pinned frames
     *       beyond the frames the hypervisor still pins for the domain;</li>
     *   <li>kernel blocks, over all kernels, less the per-vCPU argument pages, less those each
     *       backend holds for its kernel's life ({@code KernelXencomm.kernelBlocksHeld}), less
     *       {@code harnessBlocks}, which the caller itself allocated and keeps.</li>
     * </ul>
     */
    public static List<String> guestSide(Machine machine, long harnessBlocks) {
        return guestSide(machine, -1, harnessBlocks);
    }

    /**
     * As {@link #guestSide(Machine, long)}, where the kernel of domain {@code harnessDomid} is the
     * harness's own (the fuzzer's attacker, whose kernel code issues calls as it likes): its
     * {@code harnessBlocks} blocks are kept by the harness, and the per-vCPU argument pages its own
     * calls left busy are its business, not a process's. Every other check holds for it too.
     */
    public static List<String> guestSide(Machine machine, int harnessDomid, long harnessBlocks) {
        return guestSide(machine, harnessDomid, harnessBlocks, 0);
    }

    /**
     * As {@link #guestSide(Machine, int, long)}, where the harness's own kernel also took
     * {@code harnessUnpinnedFrames} frames' pins away from Xen behind its kernel's back: frames of
     * its tool's buffers whose registrations its kernel code removed with raw calls, in a kernel that
     * (by its configuration) keeps a dead tool's registrations and the pins under them. Its kernel
     * still pins those frames, as it must while it believes Xen may write them; they are allowed
     * beside the frames Xen pins for the domain, and nothing else is. The caller counts exactly those
     * frames, one by one.
     */
    public static List<String> guestSide(Machine machine, int harnessDomid, long harnessBlocks, long harnessUnpinnedFrames) {
        List<String> leaks = new ArrayList<>();
        RunMetrics metrics = machine.metrics();
        for (Gauge gauge : KERNEL_HELD) {
            gauge(leaks, metrics, gauge);
        }
        long blocks = 0;
        for (GuestKernel kernel : machine.kernels()) {
            String d = "d" + kernel.domid() + " ";
            requireZero(leaks, d + "processes", kernel.processes().size());
            requireZero(leaks, d + "process page-table frames",
                    kernel.frameAllocator().count(FrameUse.PAGE_TABLE) - kernel.kernelTableFrames());
            requireZero(leaks, d + "locked pages", kernel.lockedPages());
            requireZero(leaks, d + "swap slots", kernel.swapSlotsInUse());
            if (kernel.domid() != harnessDomid && kernel.vcpuPages().anyBusy()) {
                leaks.add(d + "per-vCPU argument pages still busy");
            }
            long pinned = machine.hypervisor().domainSnapshot(kernel.domid()).map(s -> s.pinnedFrames()).orElse(0L);
            long unpinned = kernel.domid() == harnessDomid ? harnessUnpinnedFrames : 0;
            String allowed = " frames Xen pins for the domain"
                    + (unpinned == 0 ? "" : " and the " + unpinned + " its own kernel code unregistered behind its driver");
            requireAtMost(leaks, d + "user frames beyond the " + pinned + allowed,
                    kernel.frameAllocator().count(FrameUse.USER), pinned + unpinned);
            requireAtMost(leaks, d + "orphaned pinned frames beyond the " + pinned + allowed,
                    kernel.orphanedPinnedFrames(), pinned + unpinned);
            blocks += kernel.kernelBlocksLive() - kernel.vcpuPages().pairsAllocated() - kernel.xencomm().kernelBlocksHeld();
        }
        requireZero(leaks, "kernel blocks besides " + harnessBlocks + " of the harness's", blocks - harnessBlocks);
        return List.copyOf(leaks);
    }

    /** Each {@link #HYPERVISOR_HELD} gauge, less what is marked reserved, that is not 0. */
    public static List<String> hypervisorHeld(Machine machine) {
        List<String> leaks = new ArrayList<>();
        for (Gauge gauge : HYPERVISOR_HELD) {
            gauge(leaks, machine.metrics(), gauge);
        }
        return List.copyOf(leaks);
    }

    /**
     * The hypervisor's side: {@link Hypervisor#audit()} is empty, the Xen heap's accounts add up to
     * its total, and nothing had to be reclaimed from a destroyed domain (its backend's teardown
     * gave everything back itself).
     */
    public static List<String> hypervisorSide(Hypervisor xen) {
        List<String> leaks = new ArrayList<>();
        for (String problem : xen.audit()) {
            leaks.add("audit: " + problem);
        }
        XenHeap heap = xen.heap();
        if (!heap.isConsistent()) {
            leaks.add("Xen heap inconsistent: " + heap.usage() + " against " + heap.used());
        }
        requireZero(leaks, "Xen heap bytes reclaimed from destroyed domains", heap.reclaimed());
        return List.copyOf(leaks);
    }

    /**
     * Destroys domain {@code domid} and checks that it left nothing: {@link #hypervisorSide}, and no
     * heap bytes still charged to it.
     */
    public static List<String> afterDestroy(Hypervisor xen, int domid) {
        List<String> leaks = new ArrayList<>();
        if (!xen.destroyDomain(domid)) {
            leaks.add("d" + domid + " could not be destroyed");
        }
        leaks.addAll(hypervisorSide(xen));
        requireZero(leaks, "d" + domid + " Xen heap bytes after its destruction", xen.heap().usedBy(domid));
        return List.copyOf(leaks);
    }

    private static void gauge(List<String> leaks, RunMetrics metrics, Gauge gauge) {
        long left = metrics.current(gauge) - metrics.reserved(gauge);
        if (left != 0) {
            leaks.add(gauge.reportName() + ": " + left + " left behind (" + metrics.current(gauge) + " held, "
                    + metrics.reserved(gauge) + " reserved)");
        }
    }

    private static void requireZero(List<String> leaks, String what, long value) {
        if (value != 0) {
            leaks.add(what + ": " + value);
        }
    }

    private static void requireAtMost(List<String> leaks, String what, long value, long bound) {
        if (value > bound) {
            leaks.add(what + ": " + (value - bound));
        }
    }
}
