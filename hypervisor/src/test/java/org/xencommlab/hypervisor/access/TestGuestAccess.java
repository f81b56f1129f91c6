package org.xencommlab.hypervisor.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.AdditionalAnswers.delegatesTo;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockingDetails;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;
import org.xencommlab.api.hypercall.HypercallContext;
import org.xencommlab.api.hypercall.HypercallHandler;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.memory.GuestPhysicalMemory;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.sched.SchedulingPoint;
import org.xencommlab.api.trace.TraceKind;
import org.xencommlab.api.xencomm.GuestHandleResolver;
import org.xencommlab.api.xencomm.GuestRegion;
import org.xencommlab.hypervisor.HypervisorConfig;
import org.xencommlab.api.xencomm.DomainArchState;
import org.xencommlab.api.xencomm.DomainTeardown;
import org.xencommlab.api.xencomm.GuestAccessKind;
import org.xencommlab.hypervisor.TestingGuestHandleResolver;
import org.xencommlab.hypervisor.TestingMachine;
import org.xencommlab.hypervisor.domain.DomainSpec;

/** Drives {@link GuestAccess} from inside a hypercall, where handlers use it. */
final class TestGuestAccess {
    private static final int PAGE = 4096;
    private static final int OP = HypercallNumber.ARCH_0 + 1;

    /** What the testing handler does with the context's guest copy; its result is the hypercall's. */
    private final AtomicReference<java.util.function.ToLongFunction<HypercallContext>> action = new AtomicReference<>();
    private final TestingMachine m = new TestingMachine(HypervisorConfig.defaults().withMachineMemoryBytes(4L << 20),
            new TestingGuestHandleResolver(), Map.of(OP, (HypercallHandler) (c, a) -> action.get().applyAsLong(c)));
    private final GuestPhysicalMemory memory;

    TestGuestAccess() {
        m.hypervisor.createDomain(DomainSpec.guest(1, 4L * PAGE).withMaxMemoryBytes(8L * PAGE));
        memory = m.entry.physicalMemory(1);
    }

    private long run(java.util.function.ToLongFunction<HypercallContext> what) {
        action.set(what);
        return m.entry.hypercall(1, 0, OP);
    }

    private byte[] pattern(int length, int seed) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 31 + seed);
        }
        return bytes;
    }

    private void poke(long address, byte[] bytes) {
        int done = 0;
        while (done < bytes.length) {
            int piece = Math.min(bytes.length - done, PAGE - (int) ((address + done) % PAGE));
            memory.write(address + done, bytes, done, piece);
            done += piece;
        }
    }

    private byte[] peek(long address, int length) {
        byte[] bytes = new byte[length];
        int done = 0;
        while (done < length) {
            int piece = Math.min(length - done, PAGE - (int) ((address + done) % PAGE));
            memory.read(address + done, bytes, done, piece);
            done += piece;
        }
        return bytes;
    }

    @Test
    void copiesFromGuestAcrossPagesPieceByPiece() {
        byte[] data = pattern(300, 1);
        poke(PAGE - 100, data);
        m.scheduler.clear();
        byte[] dst = new byte[310];
        assertThat(run(c -> c.guest().copyFromGuest(dst, 10, new MemoryReference(PAGE - 100), 0, 300))).isZero();
        assertThat(Arrays.copyOfRange(dst, 10, 310)).isEqualTo(data);
        assertThat(m.metrics.get(Counter.BYTES_TO_HYPERVISOR)).isEqualTo(300);
        assertThat(m.scheduler.count(SchedulingPoint.GUEST_READ)).isEqualTo(2);
        assertThat(m.metrics.get(Counter.HYPERVISOR_FAULTS)).isZero();
    }

    @Test
    void copiesToGuestAcrossThreePagesAndMarksThemDirty() {
        byte[] data = pattern(2 * PAGE, 5);
        long dirtyBefore = m.hypervisor.domainSnapshot(1).orElseThrow().dirtyPages();
        assertThat(run(c -> c.guest().copyToGuest(new MemoryReference(PAGE), 4000, data, 0, data.length))).isZero();
        assertThat(peek(PAGE + 4000, data.length)).isEqualTo(data);
        assertThat(m.metrics.get(Counter.BYTES_TO_GUEST)).isEqualTo(data.length);
        assertThat(m.scheduler.count(SchedulingPoint.GUEST_WRITE)).isEqualTo(3);
        assertThat(m.hypervisor.domainSnapshot(1).orElseThrow().dirtyPages() - dirtyBefore).isEqualTo(3);
    }

    @Test
    void stopsAtTheFirstUnreachableByteAndReportsTheRest() {
        byte[] data = pattern(300, 9);
        byte[] dst = new byte[300];
        assertThat(run(c -> c.guest().copyFromGuest(dst, 0, new MemoryReference(4L * PAGE - 96), 0, 300))).isEqualTo(204);
        assertThat(m.metrics.get(Counter.BYTES_TO_HYPERVISOR)).isEqualTo(96);
        assertThat(m.metrics.get(Counter.HYPERVISOR_FAULTS)).isEqualTo(1);
        assertThat(m.trace.events(TraceKind.FAULT)).singleElement()
                .satisfies(e -> assertThat(e.detail()).contains("204 bytes not copied"));

        assertThat(run(c -> c.guest().copyToGuest(new MemoryReference(4L * PAGE - 96), 0, data, 0, 300))).isEqualTo(204);
        assertThat(peek(4L * PAGE - 96, 96)).isEqualTo(Arrays.copyOf(data, 96));
    }

    @Test
    void aFrameBalloonedAwayMidCopyIsAFaultNotAnException() {
        poke(PAGE + 4000, pattern(300, 3));
        AtomicInteger reads = new AtomicInteger();
        m.scheduler.onReached((point, domid) -> {
            if (point == SchedulingPoint.GUEST_READ && reads.incrementAndGet() == 2) {
                m.domains.lookup(1).decreaseReservation(2, 0);
            }
        });
        byte[] dst = new byte[300];
        assertThat(run(c -> c.guest().copyFromGuest(dst, 0, new MemoryReference(PAGE + 4000), 0, 300))).isEqualTo(204);
        assertThat(Arrays.copyOf(dst, 96)).isEqualTo(Arrays.copyOf(pattern(300, 3), 96));
        assertThat(m.metrics.get(Counter.BYTES_TO_HYPERVISOR)).isEqualTo(96);
        assertThat(m.metrics.get(Counter.HYPERVISOR_FAULTS)).isEqualTo(1);
        assertThat(m.hypervisor.audit()).isEmpty();
    }

    /**
     * The copy path's promise to a region is an interaction: asked to defer its counts before its
     * first translate, closed exactly once after its last, however the copy ends (whole, cut short
     * by a fault, refused at once). Each region is a Mockito mock delegating to the real one, so the
     * copies behave as always and the calls can be verified in order.
     */
    @Test
    void everyOpenedRegionIsAskedToDeferAndClosedOnceHoweverTheCopyEnds() {
        List<GuestRegion> regions = new ArrayList<>();
        DomainArchState recording = new DomainArchState() {
            @Override
            public GuestRegion open(HypercallContext context, MemoryReference ref, GuestAccessKind access) {
                GuestRegion region = mock(GuestRegion.class, delegatesTo(TestingGuestHandleResolver.openPhysical(ref)));
                regions.add(region);
                return region;
            }

            @Override
            public void release(DomainTeardown teardown) {}
        };
        byte[] dst = new byte[300];
        assertThat(run(c -> new GuestAccess(c, m.resolver, recording, m.scheduler, m.metrics, m.trace)
                .copyFromGuest(dst, 0, new MemoryReference(PAGE - 100), 0, 300))).isZero();
        assertThat(run(c -> new GuestAccess(c, m.resolver, recording, m.scheduler, m.metrics, m.trace)
                .copyFromGuest(dst, 0, new MemoryReference(4L * PAGE - 96), 0, 300))).isEqualTo(204);
        assertThat(run(c -> new GuestAccess(c, m.resolver, recording, m.scheduler, m.metrics, m.trace)
                .copyToGuest(new MemoryReference(0), -1, dst, 0, 16))).isEqualTo(16);

        assertThat(regions).hasSize(3);
        for (GuestRegion region : regions) {
            assertThat(mockingDetails(region).getInvocations()).first()
                    .satisfies(first -> assertThat(first.getMethod().getName()).isEqualTo("deferCountsUntilClose"));
            InOrder order = inOrder(region);
            order.verify(region, times(1)).deferCountsUntilClose();
            order.verify(region, times(1)).close();
            order.verifyNoMoreInteractions();
        }
        verify(regions.get(0), times(2)).translate(anyLong());
        verify(regions.get(1), times(2)).translate(anyLong());
    }

    @Test
    void bytesCopiedBeforeAnExceptionAtASchedulingPointAreStillCounted() {
        AtomicInteger writes = new AtomicInteger();
        m.scheduler.onReached((point, domid) -> {
            if (point == SchedulingPoint.GUEST_WRITE && writes.incrementAndGet() == 3) {
                throw new IllegalStateException("killed at a scheduling point");
            }
        });
        byte[] data = pattern(3 * PAGE, 4);
        run(c -> c.guest().copyToGuest(new MemoryReference(PAGE), 0, data, 0, 3 * PAGE));
        assertThat(writes.get()).isEqualTo(3);
        assertThat(m.metrics.get(Counter.BYTES_TO_GUEST)).isEqualTo(2 * PAGE);
        assertThat(peek(PAGE, 2 * PAGE)).isEqualTo(Arrays.copyOf(data, 2 * PAGE));
    }

    @Test
    void badLengthsOffsetsAndReferencesAreFaults() {
        byte[] buf = new byte[16];
        assertThat(run(c -> c.guest().copyFromGuest(buf, 0, new MemoryReference(0), 0, -5))).isEqualTo(5);
        assertThat(run(c -> c.guest().copyFromGuest(buf, 0, new MemoryReference(0), 0, Integer.MIN_VALUE)))
                .isEqualTo(1L << 31);
        assertThat(run(c -> c.guest().copyFromGuest(buf, 8, new MemoryReference(0), 0, 16))).isEqualTo(16);
        assertThat(run(c -> c.guest().copyFromGuest(buf, -1, new MemoryReference(0), 0, 4))).isEqualTo(4);
        assertThat(run(c -> c.guest().copyFromGuest(buf, 0, new MemoryReference(0), Long.MAX_VALUE - 2, 4))).isEqualTo(4);
        assertThat(run(c -> c.guest().copyFromGuest(buf, 0, new MemoryReference(-4096), 0, 4))).isEqualTo(4);
        assertThat(run(c -> c.guest().copyToGuest(null, 0, buf, 0, 4))).isEqualTo(4);
        assertThat(run(c -> c.guest().copyToGuest(new MemoryReference(Long.MAX_VALUE), 0, buf, 0, 4))).isEqualTo(4);
        assertThat(m.metrics.get(Counter.HYPERVISOR_FAULTS)).isEqualTo(8);
        assertThat(run(c -> c.guest().copyToGuest(new MemoryReference(-1), 0, buf, 0, 0))).isZero();
        assertThat(m.metrics.get(Counter.HYPERVISOR_FAULTS)).isEqualTo(8);
        assertThat(m.metrics.get(Counter.BYTES_TO_GUEST) + m.metrics.get(Counter.BYTES_TO_HYPERVISOR)).isZero();
        assertThat(m.entry.containedFailures()).isZero();
    }
}
