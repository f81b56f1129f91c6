package org.xencommlab.benchmarks;

import static java.util.Objects.requireNonNull;

import com.google.inject.Injector;
import java.util.Map;
import org.xencommlab.api.xencomm.DomainArchState;
import org.xencommlab.api.xencomm.GuestHandleResolver;
import org.xencommlab.guest.kernel.GuestKernel;
import org.xencommlab.guest.lib.XcHandle;
import org.xencommlab.hypervisor.domain.DomainTable;
import org.xencommlab.machine.facade.Machine;
import org.xencommlab.machine.wiring.LabConfiguration;
import org.xencommlab.machine.wiring.PluginRegistry;
import org.xencommlab.machine.wiring.RunEnvironment;
import org.xencommlab.machine.wiring.RunInjectors;

/**
 * One run's machine for a benchmark, wired by the lab's own composition root
 * ({@link RunInjectors}, plugins found by {@link PluginRegistry}), with dom0 booted and one tool
 * started on it. A benchmark reads a few of the run's singletons (the domain table, the arch's
 * resolver) from the run's injector to build a {@link ProbeHypercall}; it never binds or replaces
 * anything, so the machine measured is the machine the lab runs.
 */
final class WiredRun {
    /** The seed of every benchmark run: runs are deterministic, so one is enough. */
    static final long SEED = 42;
    /** dom0's memory: room for 4096 one-page buffers and a 1 MiB buffer, touched lazily. */
    static final long DOM0_BYTES = 64L << 20;

    private final Injector injector;
    private final Machine machine;
    private final GuestKernel dom0;
    private final XcHandle tool;

    private WiredRun(Injector injector) {
        this.injector = injector;
        this.machine = injector.getInstance(Machine.class);
        this.dom0 = machine.bootDom0(DOM0_BYTES);
        this.tool = machine.startTool(dom0, "bench");
    }

    /** A run of {@code arch} with {@code strategy}, the arch's parameters set as given. */
    static WiredRun start(String arch, String strategy, Map<String, String> archParameters) {
        return start(arch, strategy, archParameters, RunEnvironment.defaults(SEED));
    }

    /** The same with the machine's sizes given by {@code environment} (its seed should be {@link #SEED}). */
    static WiredRun start(String arch, String strategy, Map<String, String> archParameters, RunEnvironment environment) {
        RunInjectors injectors = new RunInjectors(PluginRegistry.discover());
        LabConfiguration configuration = new LabConfiguration(arch, strategy, archParameters, Map.of());
        injectors.validate(configuration);
        return new WiredRun(injectors.injector(configuration, environment));
    }

    Machine machine() {
        return machine;
    }

    GuestKernel dom0() {
        return dom0;
    }

    /** The tool running in dom0 (a user process with the libxc-like library open). */
    XcHandle tool() {
        return tool;
    }

    /** The active arch's hypervisor half, as the hypervisor of this run uses it. */
    GuestHandleResolver resolver() {
        return instance(GuestHandleResolver.class);
    }

    /** Dom0's arch state (made by the resolver when dom0 was created), which opens dom0's references. */
    DomainArchState dom0ArchState() {
        return instance(DomainTable.class).lookup(dom0.domid()).archState();
    }

    /** A probe entry that runs its action as dom0, on the tool's vCPU. */
    ProbeHypercall probe() {
        return new ProbeHypercall(this, dom0.domid(), tool.process().vcpu());
    }

    <T> T instance(Class<T> type) {
        return injector.getInstance(requireNonNull(type, "type is null"));
    }

    /** Ends every process, as at the end of a run; returns what the hypervisor's audit found. */
    java.util.List<String> stop() {
        machine.stopAllProcesses();
        return machine.hypervisor().audit();
    }
}
