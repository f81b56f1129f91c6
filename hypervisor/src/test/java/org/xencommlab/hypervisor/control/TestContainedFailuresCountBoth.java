package org.xencommlab.hypervisor.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.hypercall.HypercallHandler;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.xencomm.DomainArchState;
import org.xencommlab.api.xencomm.GuestHandleResolver;
import org.xencommlab.hypervisor.HypervisorConfig;
import org.xencommlab.hypervisor.TestingScheduler;
import org.xencommlab.hypervisor.console.ConsoleLog;
import org.xencommlab.hypervisor.domain.DomainSpec;
import org.xencommlab.hypervisor.domain.DomainTable;
import org.xencommlab.hypervisor.entry.HypercallEntry;
import org.xencommlab.hypervisor.heap.XenHeap;
import org.xencommlab.hypervisor.memory.MachineMemory;
import org.xencommlab.testkit.trace.TestingTrace;

/**
 * The facade's count of contained failures is the sum of both kinds: a handler that threw inside
 * the hypercall entry, and an arch teardown that threw while a domain was destroyed.
 */
final class TestContainedFailuresCountBoth {
    private static final int BROKEN = HypercallNumber.ARCH_0 + 3;

    private final HypervisorConfig config = HypervisorConfig.defaults().withMachineMemoryBytes(16L << 20);
    private final RunMetrics metrics = new RunMetrics();
    private final MachineMemory machine = new MachineMemory(PageSize.SIZE_4K, config);
    private final XenHeap heap = new XenHeap(config, metrics);
    private final GuestHandleResolver resolver = mock(GuestHandleResolver.class);
    private final DomainTable domains = new DomainTable(machine, heap, metrics, config, resolver);
    private final HypercallEntry entry = new HypercallEntry(Map.of(BROKEN, (HypercallHandler) (c, a) -> {
        throw new IllegalStateException("a handler bug");
    }), domains, resolver, metrics, new TestingTrace(), new TestingScheduler(), config);
    private final Hypervisor xen = new Hypervisor(domains, machine, heap, new ConsoleLog(config), entry);

    @Test
    void aHandlerBugAndATeardownBugAddUp() {
        DomainArchState state = mock(DomainArchState.class);
        when(resolver.createDomainState(anyInt(), any())).thenReturn(state);
        doThrow(new IllegalStateException("a teardown bug")).when(state).release(any());
        xen.createDomain(DomainSpec.guest(1, 4L * 4096));
        xen.createDomain(DomainSpec.guest(2, 4L * 4096));

        assertThat(xen.gate().hypercall(1, 0, BROKEN)).isNegative();
        assertThat(xen.gate().hypercall(2, 0, BROKEN)).isNegative();
        assertThat(xen.destroyDomain(1)).isTrue();

        assertThat(entry.containedFailures()).isEqualTo(2);
        assertThat(domains.teardownFailures()).isEqualTo(1);
        assertThat(xen.containedFailures()).isEqualTo(3);
    }
}
