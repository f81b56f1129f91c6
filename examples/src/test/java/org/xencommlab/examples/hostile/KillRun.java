package org.xencommlab.examples.hostile;

import static java.util.Objects.requireNonNull;

import com.google.inject.Injector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.metrics.Gauge;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.plugin.Parameters;
import org.xencommlab.api.sched.SchedulingPoint;
import org.xencommlab.arch.ppc.hypervisor.PpcGuestHandleResolver;
import org.xencommlab.arch.ppc.registration.RegistrationTable;
import org.xencommlab.examples.scenario.MachineSettings;
import org.xencommlab.examples.scenario.Scenario;
import org.xencommlab.examples.scenario.WorkloadFailure;
import org.xencommlab.guest.kernel.GuestKernel;
import org.xencommlab.guest.memory.FrameUse;
import org.xencommlab.hypervisor.domain.Domain;
import org.xencommlab.hypervisor.domain.DomainTable;
import org.xencommlab.hypervisor.heap.XenHeap;
import org.xencommlab.machine.facade.Machine;
import org.xencommlab.machine.wiring.LabConfiguration;
import org.xencommlab.machine.wiring.RunEnvironment;
import org.xencommlab.machine.wiring.RunInjectors;

/**
 * One run of a scenario on one configuration, wired as the lab runner wires it, with a
 * {@link PointKiller} registered before the scenario starts; then every process is stopped (as at
 * the end of a lab run) and what is left behind is audited.
 *
 * @param outerPoints the outer scheduling points the run reached
 * @param victim who was killed, or null
 * @param pointKilledAt the kind of point the kill landed at, or null
 * @param failure the scenario's failure (a killed tool usually makes it fail), or null
 * @param leaks what was left behind; empty when nothing was
 */
record KillRun(long outerPoints, String victim, SchedulingPoint pointKilledAt, String failure, List<String> leaks) {
    /** Gauges whose level, less what is marked reserved, must be 0 once every process is gone. */
    private static final List<Gauge> PROCESS_GAUGES = List.of(Gauge.REGISTRATIONS_LIVE, Gauge.LOCKED_PAGES,
            Gauge.PINNED_FRAMES, Gauge.XEN_HEAP_BYTES, Gauge.DEVICE_BYTES_RESERVED, Gauge.DEVICE_BYTES_USED);

    /**
     * Runs {@code scenario} with {@code parameters} on {@code configuration}, killing at outer point
     * {@code target} (0: never, the counting run).
     */
    static KillRun run(RunInjectors injectors, LabConfiguration configuration, Scenario scenario,
            Map<String, String> parameters, long seed, long target) {
        Parameters scenarioParameters = Parameters.of(scenario.parameters(), parameters);
        MachineSettings settings = scenario.machineSettings(scenarioParameters);
        RunEnvironment environment = RunEnvironment.defaults(seed).withHypervisor(settings.hypervisor())
                .withGuest(settings.guest());
        Injector injector = injectors.injector(configuration, environment);
        Machine machine = injector.getInstance(Machine.class);
        PointKiller killer = new PointKiller(machine, target);
        machine.scheduler().register("kill at outer point " + target, killer);
        String failure = null;
        try {
            scenario.run(machine, scenarioParameters);
        } catch (WorkloadFailure | XenException e) {
            failure = e.getMessage();
        }
        machine.stopAllProcesses();
        List<String> leaks = audit(machine, injector, devicePages(injectors, configuration));
        return new KillRun(killer.outerPoints(), killer.victim(), killer.pointKilledAt(), failure, leaks);
    }

    /** ppc's device-area size in pages (its one long-lived kernel block), 0 on other archs. */
    private static long devicePages(RunInjectors injectors, LabConfiguration configuration) {
        if (!configuration.arch().equals("ppc")) {
            return 0;
        }
        return Parameters.of(injectors.registry().arch("ppc").parameters(), configuration.archParameters())
                .getLong("device-pages");
    }

    /**
     * What a stopped machine holds that no process should have left: every gauge of what processes
     * hold, less what kernels and the hypervisor mark as held for a domain's life; every kernel's
     * user frames, process page tables, locked pages, swap slots, orphaned pins and kernel blocks
     * (those kept for life being ppc's device area and the per-vCPU argument pages, none of which
     * may still be busy); the hypervisor's audit and heap; each
     * domain's pins and heap against the backend's recount of its own table.
     */
    static List<String> audit(Machine machine, Injector injector, long devicePages) {
        List<String> leaks = new ArrayList<>();
        RunMetrics metrics = machine.metrics();
        for (Gauge gauge : PROCESS_GAUGES) {
            long left = metrics.current(gauge) - metrics.reserved(gauge);
            if (left != 0) {
                leaks.add(gauge.reportName() + ": " + left + " left behind (" + metrics.current(gauge) + " held, "
                        + metrics.reserved(gauge) + " reserved)");
            }
        }
        long deviceAreas = devicePages == 0 ? 0
                : metrics.reserved(Gauge.DEVICE_BYTES_RESERVED) / (devicePages * machine.pageSize().bytes());
        long blocks = 0;
        for (GuestKernel kernel : machine.kernels()) {
            String d = "d" + kernel.domid() + " ";
            requireZero(leaks, d + "processes", kernel.processes().size());
            requireZero(leaks, d + "user frames", kernel.frameAllocator().count(FrameUse.USER));
            requireZero(leaks, d + "process page-table frames",
                    kernel.frameAllocator().count(FrameUse.PAGE_TABLE) - kernel.kernelTableFrames());
            requireZero(leaks, d + "locked pages", kernel.lockedPages());
            requireZero(leaks, d + "swap slots", kernel.swapSlotsInUse());
            requireZero(leaks, d + "orphaned pinned frames", kernel.orphanedPinnedFrames());
            if (kernel.vcpuPages().anyBusy()) {
                leaks.add(d + "per-vCPU argument pages still busy");
            }
            blocks += kernel.kernelBlocksLive() - kernel.vcpuPages().pairsAllocated() - kernel.xencomm().kernelBlocksHeld();
        }
        requireZero(leaks, "kernel blocks besides " + deviceAreas + " device area(s)", blocks - deviceAreas);
        for (String problem : machine.hypervisor().audit()) {
            leaks.add("audit: " + problem);
        }
        XenHeap heap = machine.hypervisor().heap();
        if (!heap.isConsistent()) {
            leaks.add("Xen heap inconsistent: " + heap.usage() + " against " + heap.used());
        }
        requireZero(leaks, "Xen heap bytes reclaimed from destroyed domains", heap.reclaimed());
        for (Domain domain : injector.getInstance(DomainTable.class).domains()) {
            String d = "d" + domain.domid() + " ";
            long tableBytes = 0;
            long tablePins = 0;
            RegistrationTable table = domain.archState() instanceof PpcGuestHandleResolver.PpcDomainState ppc ? ppc.registrationTable() : null;
            if (table != null) {
                requireZero(leaks, d + "registration table: charged less its recount",
                        table.heapCharged() - table.recountHeapBytes());
                tableBytes = table.heapCharged();
                tablePins = table.liveRegistrations().stream().mapToLong(r -> r.nrPages()).sum();
            }
            requireZero(leaks, d + "Xen heap bytes beyond the backend's recount", heap.usedBy(domain.domid()) - tableBytes);
            long pinned = machine.hypervisor().domainSnapshot(domain.domid()).orElseThrow().pinnedFrames();
            requireZero(leaks, d + "pinned frames beyond the backend's registrations", pinned - tablePins);
        }
        return List.copyOf(leaks);
    }

    private static void requireZero(List<String> leaks, String what, long value) {
        if (value != 0) {
            leaks.add(what + ": " + value);
        }
    }
}
