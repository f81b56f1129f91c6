package org.xencommlab.hypervisor;

import org.xencommlab.testkit.trace.TestingTrace;
import java.util.LinkedHashMap;
import java.util.Map;
import org.xencommlab.hypervisor.control.Hypervisor;
import org.xencommlab.api.abi.ArgumentStrategy;
import org.xencommlab.strategy.pointer.plugin.PointerStrategyPlugin;
import org.xencommlab.api.hypercall.HypercallHandler;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.plugin.Parameters;
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
 * A hypervisor assembled by hand for tests (what {@link HypervisorModule} does with Guice), with
 * the testing resolver, scheduler and trace, the given argument strategy (pointer unless told),
 * every arch-neutral handler, and room for extra handlers.
 */
public final class TestingMachine {
    public final HypervisorConfig config;
    public final PageSize pageSize = PageSize.SIZE_4K;
    public final RunMetrics metrics = new RunMetrics();
    public final TestingTrace trace = new TestingTrace();
    public final TestingScheduler scheduler = new TestingScheduler();
    public final TestingGuestHandleResolver resolver;
    public final ArgumentStrategy strategy;
    public final MachineMemory machine;
    public final XenHeap heap;
    public final DomainTable domains;
    public final ConsoleLog console;
    public final HypercallEntry entry;
    public final Hypervisor hypervisor;

    public TestingMachine(HypervisorConfig config, TestingGuestHandleResolver resolver, ArgumentStrategy strategy,
            Map<Integer, HypercallHandler> extra) {
        this.config = config;
        this.resolver = resolver;
        this.strategy = strategy;
        this.machine = new MachineMemory(pageSize, config);
        this.heap = new XenHeap(config, metrics);
        this.domains = new DomainTable(machine, heap, metrics, config, resolver);
        this.console = new ConsoleLog(config);
        HypercallEntry[] self = new HypercallEntry[1];
        Map<Integer, HypercallHandler> handlers = new LinkedHashMap<>();
        handlers.put(HypercallNumber.XEN_VERSION, new XenVersionHandler(config, pageSize));
        handlers.put(HypercallNumber.CONSOLE_IO, new ConsoleIoHandler(console, strategy, config));
        handlers.put(HypercallNumber.MEMORY_OP, new MemoryOpHandler(strategy, domains, config));
        handlers.put(HypercallNumber.MULTICALL, new MulticallHandler(strategy, () -> self[0]));
        handlers.put(HypercallNumber.SYSCTL, new SysctlHandler(strategy, domains, pageSize));
        handlers.put(HypercallNumber.DM_OP, new DmOpHandler(strategy, domains));
        handlers.putAll(extra);
        this.entry = new HypercallEntry(handlers, domains, resolver, metrics, trace, scheduler, config);
        self[0] = entry;
        this.hypervisor = new Hypervisor(domains, machine, heap, console, entry);
    }

    public TestingMachine(HypervisorConfig config, TestingGuestHandleResolver resolver, Map<Integer, HypercallHandler> extra) {
        this(config, resolver, new PointerStrategyPlugin().create(Parameters.none()), extra);
    }

    public TestingMachine(HypervisorConfig config, ArgumentStrategy strategy) {
        this(config, new TestingGuestHandleResolver(), strategy, Map.of());
    }

    public TestingMachine(HypervisorConfig config) {
        this(config, new TestingGuestHandleResolver(), Map.of());
    }

    /** A small machine: 64 MiB of machine memory, defaults otherwise. */
    public static TestingMachine small() {
        return new TestingMachine(HypervisorConfig.defaults().withMachineMemoryBytes(64L << 20));
    }
}
