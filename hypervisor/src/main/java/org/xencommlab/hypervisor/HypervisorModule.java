package org.xencommlab.hypervisor;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.MapBinder;
import org.xencommlab.hypervisor.control.Hypervisor;
import org.xencommlab.api.hypercall.HypercallHandler;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.hypercall.HypervisorGate;
import org.xencommlab.hypervisor.console.ConsoleLog;
import org.xencommlab.hypervisor.domain.DomainTable;
import org.xencommlab.hypervisor.entry.HypercallEntry;
import org.xencommlab.hypervisor.handlers.ConsoleIoHandler;
import org.xencommlab.hypervisor.handlers.DmOpHandler;
import org.xencommlab.hypervisor.handlers.MemoryOpHandler;
import org.xencommlab.hypervisor.handlers.MulticallHandler;
import org.xencommlab.hypervisor.handlers.SysctlHandler;
import org.xencommlab.hypervisor.handlers.XenVersionHandler;
import org.xencommlab.hypervisor.heap.XenHeap;
import org.xencommlab.hypervisor.memory.MachineMemory;

/**
 * Wires the hypervisor: machine memory, the Xen heap, the domain table, the console, the hypercall
 * entry (bound as {@link HypervisorGate}), the {@link Hypervisor} facade, and the arch-neutral
 * handlers {@code memory_op} (12), {@code multicall} (13), {@code xen_version} (17),
 * {@code console_io} (18), {@code sysctl} (35) and {@code dm_op} (41), added to the
 * {@code MapBinder<Integer, HypercallHandler>} that arch modules add their {@code arch_N}
 * handlers to. Everything is one per injector (one per run).
 *
 * <p>Requires these bindings from outside (the composition root or the arch module):
 * <ul>
 *   <li>{@link org.xencommlab.api.xencomm.GuestHandleResolver}: the active arch's hypervisor half;</li>
 *   <li>{@link org.xencommlab.api.abi.ArgumentStrategy}: the run's argument strategy (pointer or
 *       embedded, made by its {@link org.xencommlab.api.plugin.StrategyPlugin}); every handler that
 *       takes guest structures decodes them only through it, so the same handlers serve both
 *       forms;</li>
 *   <li>{@link org.xencommlab.api.metrics.RunMetrics}: the run's counters;</li>
 *   <li>{@link org.xencommlab.api.trace.Trace}: the run's trace;</li>
 *   <li>{@link org.xencommlab.api.sched.Scheduler}: the run's deterministic scheduler;</li>
 *   <li>{@link org.xencommlab.api.memory.PageSize}: the arch's page size;</li>
 *   <li>{@link HypervisorConfig}: usually {@link HypervisorConfig#defaults()}.</li>
 * </ul>
 * Works under {@code requireExplicitBindings()}, {@code requireAtInjectOnConstructors()} and
 * {@code disableCircularProxies()}. No conditional logic: choose a different configuration by
 * binding a different {@link HypervisorConfig}.
 */
public final class HypervisorModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(MachineMemory.class);
        bind(XenHeap.class);
        bind(DomainTable.class);
        bind(ConsoleLog.class);
        bind(HypercallEntry.class);
        bind(HypervisorGate.class).to(HypercallEntry.class);
        bind(Hypervisor.class);
        bind(XenVersionHandler.class);
        bind(ConsoleIoHandler.class);
        bind(MemoryOpHandler.class);
        bind(MulticallHandler.class);
        bind(SysctlHandler.class);
        bind(DmOpHandler.class);

        MapBinder<Integer, HypercallHandler> handlers =
                MapBinder.newMapBinder(binder(), Integer.class, HypercallHandler.class);
        handlers.addBinding(HypercallNumber.XEN_VERSION).to(XenVersionHandler.class);
        handlers.addBinding(HypercallNumber.CONSOLE_IO).to(ConsoleIoHandler.class);
        handlers.addBinding(HypercallNumber.MEMORY_OP).to(MemoryOpHandler.class);
        handlers.addBinding(HypercallNumber.MULTICALL).to(MulticallHandler.class);
        handlers.addBinding(HypercallNumber.SYSCTL).to(SysctlHandler.class);
        handlers.addBinding(HypercallNumber.DM_OP).to(DmOpHandler.class);
    }
}
