package org.xencommlab.hypervisor.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.verifyNoMoreInteractions;
import static org.mockito.Mockito.when;

import org.junit.jupiter.api.Test;
import org.mockito.InOrder;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.xencomm.DomainArchState;
import org.xencommlab.api.xencomm.GuestHandleResolver;
import org.xencommlab.hypervisor.HypervisorConfig;
import org.xencommlab.hypervisor.heap.XenHeap;
import org.xencommlab.hypervisor.memory.MachineMemory;

/**
 * The arch backend's per-domain life cycle is an interaction: the domain table must make a
 * domain's state once when the domain is created and release that same state exactly once,
 * however often the domain is destroyed. Mockito states that directly; what the state holds is the
 * backends' business, tested with their real resolvers in the arch modules.
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
    void eachDomainsStateIsReleasedExactlyOnceAndOnlyItsOwn() {
        DomainArchState first = mock(DomainArchState.class);
        DomainArchState second = mock(DomainArchState.class);
        when(resolver.createDomainState(anyInt(), any())).thenReturn(first, second);

        domains.create(DomainSpec.guest(1, MEMORY));
        domains.create(DomainSpec.guest(2, MEMORY));
        assertThat(domains.lookup(1).archState()).isSameAs(first);
        assertThat(domains.lookup(2).archState()).isSameAs(second);
        assertThat(domains.destroy(1)).isTrue();
        assertThat(domains.destroy(1)).isFalse();
        assertThat(domains.destroy(2)).isTrue();
        assertThat(domains.destroy(2)).isFalse();

        InOrder order = inOrder(resolver, first, second);
        order.verify(resolver).createDomainState(eq(1), any());
        order.verify(resolver).createDomainState(eq(2), any());
        order.verify(first, times(1)).release(any());
        order.verify(second, times(1)).release(any());
        verifyNoMoreInteractions(resolver, first, second);
    }

    @Test
    void aReleaseThatThrowsIsCalledOnceAndTheDomainIsStillReclaimed() {
        DomainArchState state = mock(DomainArchState.class);
        when(resolver.createDomainState(anyInt(), any())).thenReturn(state);
        doThrow(new IllegalStateException("backend bug")).when(state).release(any());
        long freeBefore = machine.freeFrames();

        domains.create(DomainSpec.guest(3, MEMORY));
        assertThat(domains.destroy(3)).isTrue();
        assertThat(domains.destroy(3)).isFalse();

        verify(state, times(1)).release(any());
        assertThat(domains.teardownFailures()).isEqualTo(1);
        assertThat(domains.lookup(3)).isNull();
        assertThat(machine.freeFrames()).isEqualTo(freeBefore);
        assertThat(heap.usedBy(3)).isZero();
    }

    @Test
    void aDomainWhoseCreationFailsMakesNoStateAndReleasesNothing() {
        DomainArchState state = mock(DomainArchState.class);
        when(resolver.createDomainState(anyInt(), any())).thenReturn(state);
        domains.create(DomainSpec.guest(4, MEMORY));

        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> domains.create(DomainSpec.guest(4, MEMORY))))
                .isInstanceOf(XenException.class);

        verify(resolver, times(1)).createDomainState(anyInt(), any());
        verifyNoMoreInteractions(resolver);
        verifyNoInteractions(state);
    }

    @Test
    void anArchThatRefusesTheStateLeavesNoDomainAndNothingCharged() {
        when(resolver.createDomainState(anyInt(), any())).thenThrow(new XenException(XenErrno.ENOMEM, "quota"));
        long freeBefore = machine.freeFrames();

        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> domains.create(DomainSpec.guest(5, MEMORY))))
                .isInstanceOf(XenException.class);
        assertThat(domains.lookup(5)).isNull();
        assertThat(domains.destroy(5)).isFalse();
        assertThat(machine.freeFrames()).isEqualTo(freeBefore);
        assertThat(heap.usedBy(5)).isZero();
    }

    @Test
    void anArchThatMakesNoStateIsRefusedAtCreation() {
        when(resolver.createDomainState(anyInt(), any())).thenReturn(null);
        long freeBefore = machine.freeFrames();

        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> domains.create(DomainSpec.guest(6, MEMORY))))
                .isInstanceOf(IllegalStateException.class);
        assertThat(domains.lookup(6)).isNull();
        assertThat(machine.freeFrames()).isEqualTo(freeBefore);
    }
}
