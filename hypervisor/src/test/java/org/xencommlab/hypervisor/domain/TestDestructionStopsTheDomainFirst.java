package org.xencommlab.hypervisor.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.xencomm.DomainArchState;
import org.xencommlab.api.xencomm.GuestHandleResolver;
import org.xencommlab.hypervisor.HypervisorConfig;
import org.xencommlab.hypervisor.heap.XenHeap;
import org.xencommlab.hypervisor.memory.MachineMemory;

/**
 * A domain being destroyed stops answering before anything it holds is released: while the arch
 * backend's teardown runs, the table no longer finds the domain (so a hypercall from it or
 * naming it gets ESRCH) and does not list it, though its frames are not yet freed.
 */
final class TestDestructionStopsTheDomainFirst {
    private final HypervisorConfig config = HypervisorConfig.defaults().withMachineMemoryBytes(16L << 20);
    private final RunMetrics metrics = new RunMetrics();
    private final MachineMemory machine = new MachineMemory(PageSize.SIZE_4K, config);
    private final XenHeap heap = new XenHeap(config, metrics);
    private final GuestHandleResolver resolver = mock(GuestHandleResolver.class);
    private final DomainTable domains = new DomainTable(machine, heap, metrics, config, resolver);

    @Test
    void duringTheTeardownTheDomainIsNeitherFoundNorListed() {
        DomainArchState state = mock(DomainArchState.class);
        when(resolver.createDomainState(anyInt(), any())).thenReturn(state);
        domains.create(DomainSpec.guest(7, 8L * 4096));
        domains.create(DomainSpec.guest(8, 8L * 4096));
        List<Object> seen = new ArrayList<>();
        doAnswer(invocation -> {
            seen.add(domains.lookup(7));
            seen.add(domains.domains().stream().map(Domain::domid).toList());
            seen.add(machine.countOwnedBy(7));
            return null;
        }).when(state).release(any());

        assertThat(domains.destroy(7)).isTrue();

        assertThat(seen).containsExactly(null, List.of(8), 8);
        assertThat(domains.lookup(8)).isNotNull();
    }
}
