package org.xencommlab.hypervisor.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.same;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoMoreInteractions;
import static org.mockito.Mockito.when;

import org.junit.jupiter.api.Test;
import org.mockito.InOrder;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.xencomm.GuestHandleResolver;
import org.xencommlab.hypervisor.HypervisorConfig;
import org.xencommlab.hypervisor.heap.XenHeap;
import org.xencommlab.hypervisor.memory.MachineMemory;

/**
 * The arch backend's per-domain hooks are an interaction: the domain table must make a domain's
 * state once when the domain is created and hand that same state back to the teardown hook exactly
 * once, however often the domain is destroyed. A Mockito resolver states that directly; what the
 * state holds is the backends' business, tested with their real resolvers in the arch modules.
 */
final class TestDomainTableTeardown {
    private static final long MEMORY = 1L << 20;

    private final HypervisorConfig config = HypervisorConfig.defaults().withMachineMemoryBytes(64L << 20);
    private final RunMetrics metrics = new RunMetrics();
    private final MachineMemory machine = new MachineMemory(PageSize.SIZE_4K, config);
    private final XenHeap heap = new XenHeap(config, metrics);
    private final GuestHandleResolver resolver = mock(GuestHandleResolver.class);
    private final DomainTable domains = new DomainTable(machine, heap, metrics, config, resolver);

    @Test
    void theTeardownHookRunsExactlyOncePerDomainWithTheStateMadeForIt() {
        Object first = new Object();
        Object second = new Object();
        when(resolver.createDomainState(anyInt(), any())).thenReturn(first, second);

        domains.create(DomainSpec.guest(1, MEMORY));
        domains.create(DomainSpec.guest(2, MEMORY));
        assertThat(domains.destroy(1)).isTrue();
        assertThat(domains.destroy(1)).isFalse();
        assertThat(domains.destroy(2)).isTrue();
        assertThat(domains.destroy(2)).isFalse();

        InOrder order = inOrder(resolver);
        order.verify(resolver).createDomainState(eq(1), any());
        order.verify(resolver).createDomainState(eq(2), any());
        order.verify(resolver, times(1)).destroyDomainState(same(first), any());
        order.verify(resolver, times(1)).destroyDomainState(same(second), any());
        verifyNoMoreInteractions(resolver);
    }

    @Test
    void aTeardownHookThatThrowsIsCalledOnceAndTheDomainIsStillReleased() {
        Object state = new Object();
        when(resolver.createDomainState(anyInt(), any())).thenReturn(state);
        doThrow(new IllegalStateException("backend bug")).when(resolver).destroyDomainState(same(state), any());
        long freeBefore = machine.freeFrames();

        domains.create(DomainSpec.guest(3, MEMORY));
        assertThat(domains.destroy(3)).isTrue();
        assertThat(domains.destroy(3)).isFalse();

        verify(resolver, times(1)).destroyDomainState(same(state), any());
        assertThat(domains.teardownFailures()).isEqualTo(1);
        assertThat(domains.lookup(3)).isNull();
        assertThat(machine.freeFrames()).isEqualTo(freeBefore);
        assertThat(heap.usedBy(3)).isZero();
    }

    @Test
    void aDomainWhoseCreationFailsIsNeverTornDownByTheBackend() {
        when(resolver.createDomainState(anyInt(), any())).thenReturn(new Object());
        domains.create(DomainSpec.guest(4, MEMORY));

        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> domains.create(DomainSpec.guest(4, MEMORY))))
                .isInstanceOf(org.xencommlab.api.errno.XenException.class);

        verify(resolver, times(1)).createDomainState(anyInt(), any());
        verifyNoMoreInteractions(resolver);
    }
}
