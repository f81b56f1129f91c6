package org.xencommlab.hypervisor.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoMoreInteractions;
import static org.mockito.Mockito.when;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
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
 * The arch is told of each gfn that leaves a live domain's RAM, exactly once, after its p2m entry
 * is gone and while the domain's lock is still held exclusive ({@link DomainArchState#gfnRemoved}):
 * an interaction, so Mockito states it. A refused removal, a populate and the domain's
 * destruction tell it nothing.
 */
final class TestGfnRemovedNotice {
    private static final int PAGE = 4096;

    private final HypervisorConfig config = HypervisorConfig.defaults().withMachineMemoryBytes(4096L * PAGE).withMaxOrders(9, 9);
    private final RunMetrics metrics = new RunMetrics();
    private final MachineMemory machine = new MachineMemory(PageSize.SIZE_4K, config);
    private final XenHeap heap = new XenHeap(config, metrics);
    private final GuestHandleResolver resolver = mock(GuestHandleResolver.class);
    private final DomainTable domains = new DomainTable(machine, heap, metrics, config, resolver);
    private final DomainArchState state = mock(DomainArchState.class);
    private Domain domain;

    @BeforeEach
    void createDomain() {
        when(resolver.createDomainState(anyInt(), any())).thenReturn(state);
        domain = domains.create(DomainSpec.guest(1, 64L * PAGE).withMaxMemoryBytes(256L * PAGE));
    }

    @Test
    void eachGfnOfAGivenBackExtentIsNoticedExactlyOnceInOrder() {
        domain.decreaseReservation(8, 2);
        domain.decreaseReservation(40, 0);

        InOrder order = inOrder(state);
        for (long gfn : new long[] {8, 9, 10, 11, 40}) {
            order.verify(state, times(1)).gfnRemoved(gfn);
        }
        verifyNoMoreInteractions(state);
    }

    @Test
    void theNoticeComesAfterTheEntryIsGoneAndUnderTheExclusiveLock() {
        List<String> seen = new ArrayList<>();
        doAnswer(call -> {
            long gfn = call.getArgument(0);
            // The lock is held exclusive (no optimistic stamp), and the entry reads as empty.
            seen.add(gfn + ": stamp " + domain.optimisticStamp() + ", entry " + domain.mfnOptimistic(gfn));
            return null;
        }).when(state).gfnRemoved(anyLong());

        domain.decreaseReservation(2, 1);

        assertThat(seen).containsExactly("2: stamp 0, entry -1", "3: stamp 0, entry -1");
        assertThat(domain.totPages()).isEqualTo(62);
        assertThat(domain.isRam(2)).isFalse();
        assertThat(domain.isRam(3)).isFalse();
    }

    @Test
    void aRefusedRemovalTellsNothing() {
        domain.decreaseReservation(5, 0);
        org.mockito.Mockito.clearInvocations(state);

        XenException missing = catchThrowableOfType(() -> domain.decreaseReservation(4, 2), XenException.class);
        assertThat(missing.errno()).as("gfn 5 of the extent is not RAM").isEqualTo(XenErrno.ENOENT);
        assertThat(domain.pinFrame(12)).isTrue();
        XenException pinned = catchThrowableOfType(() -> domain.decreaseReservation(12, 0), XenException.class);
        assertThat(pinned.errno()).isEqualTo(XenErrno.EBUSY);
        XenException outside = catchThrowableOfType(() -> domain.decreaseReservation(256, 0), XenException.class);
        assertThat(outside.errno()).isEqualTo(XenErrno.EINVAL);

        verify(state, never()).gfnRemoved(anyLong());
        assertThat(domain.isRam(4)).isTrue();
        domain.unpinFrame(12);
    }

    @Test
    void populatingAndIncreasingTellNothing() {
        domain.populatePhysmap(100, 2);
        domain.increaseReservation(3);
        domain.allocateUnmapped(0, false);

        verify(state, never()).gfnRemoved(anyLong());
    }

    @Test
    void aGfnGivenBackPopulatedAndGivenBackAgainIsNoticedEachTime() {
        domain.decreaseReservation(7, 0);
        domain.populatePhysmap(7, 0);
        domain.decreaseReservation(7, 0);

        verify(state, times(2)).gfnRemoved(7);
        verifyNoMoreInteractions(state);
    }

    @Test
    void theDestructionReleasesTheStateAndSendsNoNotice() {
        domain.decreaseReservation(0, 0);
        assertThat(domains.destroy(1)).isTrue();

        XenException dying = catchThrowableOfType(() -> domain.decreaseReservation(1, 0), XenException.class);
        assertThat(dying.errno()).isEqualTo(XenErrno.ESRCH);
        InOrder order = inOrder(state);
        order.verify(state).gfnRemoved(0);
        order.verify(state).release(any());
        verifyNoMoreInteractions(state);
    }
}
