package org.xencommlab.examples.hostile;

import static java.util.Objects.requireNonNull;

import com.google.inject.Injector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.plugin.Parameters;
import org.xencommlab.api.sched.SchedulingPoint;
import org.xencommlab.arch.ppc.hypervisor.PpcGuestHandleResolver;
import org.xencommlab.arch.ppc.registration.RegistrationTable;
import org.xencommlab.examples.scenario.MachineSettings;
import org.xencommlab.examples.scenario.Scenario;
import org.xencommlab.examples.scenario.WorkloadFailure;
import org.xencommlab.guest.kernel.GuestKernel;
import org.xencommlab.guest.memory.FrameUse;
import org.xencommlab.hostile.fuzz.ExitAudit;
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
        List<String> leaks = audit(machine, injector);
        return new KillRun(killer.outerPoints(), killer.victim(), killer.pointKilledAt(), failure, leaks);
    }

    /**
     * What a stopped machine holds that no process should have left: the hostile-guest kit's
     * {@link ExitAudit} (what kernels hold for processes, kernel blocks besides those kept for a
     * kernel's life, the hypervisor's audit and heap), and stricter than it, since every kernel here
     * cleans up after its processes: no registration, pinned frame or Xen heap byte held for a
     * process ({@link ExitAudit#HYPERVISOR_HELD}, less what is marked reserved), no user frame and no
     * orphaned pin at all; and each domain's pins and heap against the backend's recount of its own
     * table.
     */
    static List<String> audit(Machine machine, Injector injector) {
        List<String> leaks = new ArrayList<>(ExitAudit.hypervisorHeld(machine));
        leaks.addAll(ExitAudit.guestSide(machine, 0));
        for (GuestKernel kernel : machine.kernels()) {
            String d = "d" + kernel.domid() + " ";
            requireZero(leaks, d + "user frames", kernel.frameAllocator().count(FrameUse.USER));
            requireZero(leaks, d + "orphaned pinned frames", kernel.orphanedPinnedFrames());
        }
        leaks.addAll(ExitAudit.hypervisorSide(machine.hypervisor()));
        XenHeap heap = machine.hypervisor().heap();
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
