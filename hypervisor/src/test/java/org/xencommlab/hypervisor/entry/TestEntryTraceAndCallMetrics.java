package org.xencommlab.hypervisor.entry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.mockito.InOrder;
import org.xencommlab.api.hypercall.HypercallHandler;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.api.trace.TraceKind;
import org.xencommlab.hypervisor.HypervisorConfig;
import org.xencommlab.hypervisor.TestingGuestHandleResolver;
import org.xencommlab.hypervisor.TestingScheduler;
import org.xencommlab.hypervisor.domain.DomainSpec;
import org.xencommlab.hypervisor.domain.DomainTable;
import org.xencommlab.hypervisor.heap.XenHeap;
import org.xencommlab.hypervisor.memory.MachineMemory;

/**
 * What one hypercall leaves in the trace and in the per-call statistics. The trace is an
 * interaction: an enabled trace gets a slice opened before the handler runs (named by the call)
 * and closed after it (with the result); a disabled one is not called at all. The statistics key
 * each call by its number and sub-operation, with what the call counted.
 */
final class TestEntryTraceAndCallMetrics {
    private static final int ARCH = HypercallNumber.ARCH_0;

    private final HypervisorConfig config = HypervisorConfig.defaults().withMachineMemoryBytes(8L << 20);
    private final RunMetrics metrics = new RunMetrics();
    private final TestingGuestHandleResolver resolver = new TestingGuestHandleResolver();
    private final MachineMemory machine = new MachineMemory(PageSize.SIZE_4K, config);
    private final DomainTable domains = new DomainTable(machine, new XenHeap(config, metrics), metrics, config, resolver);
    private final Trace trace = mock(Trace.class);
    private final HypercallEntry entry = new HypercallEntry(Map.of(ARCH, (HypercallHandler) (c, a) -> {
        trace.event(TraceKind.FAULT, c.domid(), () -> "inside the handler");
        return a[1];
    }), domains, resolver, metrics, trace, new TestingScheduler(), config);

    @Test
    @SuppressWarnings("unchecked")
    void anEnabledTraceGetsASliceAroundTheHandler() {
        when(trace.enabled()).thenReturn(true);
        domains.create(DomainSpec.guest(1, 4L * 4096).withVcpus(2));

        assertThat(entry.hypercall(1, 1, ARCH, 0, 10)).isEqualTo(10);

        ArgumentCaptor<Supplier<String>> name = ArgumentCaptor.forClass(Supplier.class);
        ArgumentCaptor<Supplier<String>> detail = ArgumentCaptor.forClass(Supplier.class);
        InOrder order = inOrder(trace);
        order.verify(trace).begin(eq(TraceKind.HYPERCALL), eq(1), eq(1), name.capture());
        order.verify(trace).event(eq(TraceKind.FAULT), eq(1), any());
        order.verify(trace).end(eq(TraceKind.HYPERCALL), eq(1), eq(1), detail.capture());
        assertThat(name.getValue().get()).isEqualTo("arch_0(0x0, 0xa)");
        assertThat(detail.getValue().get()).isEqualTo("arch_0(0x0, 0xa) = 10");
    }

    @Test
    void aDisabledTraceIsNeitherOpenedNorClosed() {
        when(trace.enabled()).thenReturn(false);
        domains.create(DomainSpec.guest(1, 4L * 4096));

        assertThat(entry.hypercall(1, 0, ARCH, 0, 7)).isEqualTo(7);

        verify(trace, never()).begin(any(), anyInt(), anyInt(), any());
        verify(trace, never()).end(any(), anyInt(), anyInt(), any());
    }

    @Test
    void eachCallIsCountedUnderItsNumberAndSubOperation() {
        domains.create(DomainSpec.guest(1, 4L * 4096));

        entry.hypercall(1, 0, ARCH, 3, 1);
        entry.hypercall(1, 0, ARCH, 3, 2);
        entry.hypercall(1, 0, ARCH, 4, 5);

        Map<RunMetrics.CallKey, Map<Counter, Long>> calls = metrics.calls();
        assertThat(calls).containsOnlyKeys(new RunMetrics.CallKey(ARCH, 3), new RunMetrics.CallKey(ARCH, 4));
        assertThat(calls.get(new RunMetrics.CallKey(ARCH, 3))).containsEntry(Counter.HYPERCALLS, 2L)
                .containsEntry(Counter.HYPERVISOR_ENTRIES, 2L);
        assertThat(calls.get(new RunMetrics.CallKey(ARCH, 4))).containsEntry(Counter.HYPERCALLS, 1L);
    }
}
