package org.xencommlab.hypervisor.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.hypercall.HypercallContext;
import org.xencommlab.api.hypercall.HypercallHandler;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.trace.TraceEvent;
import org.xencommlab.api.trace.TraceKind;
import org.xencommlab.api.xencomm.DomainArchState;
import org.xencommlab.api.xencomm.DomainTeardown;
import org.xencommlab.api.xencomm.GuestAccessKind;
import org.xencommlab.api.xencomm.GuestRegion;
import org.xencommlab.hypervisor.HypervisorConfig;
import org.xencommlab.hypervisor.TestingGuestHandleResolver;
import org.xencommlab.hypervisor.TestingMachine;
import org.xencommlab.hypervisor.domain.DomainSpec;

/**
 * The guest copy path at its exact edges: a buffer filled to its last byte, an offset range that
 * ends at the largest offset, access_ok at zero, a fault after part of a copy (what is reported
 * not copied, and the trace line naming the direction and the offset).
 */
class TestGuestAccessBounds {
    private static final int PAGE = 4096;
    private static final int OP = HypercallNumber.ARCH_0 + 1;

    private final AtomicReference<ToLongFunction<HypercallContext>> action = new AtomicReference<>();
    private final TestingMachine m = new TestingMachine(HypervisorConfig.defaults().withMachineMemoryBytes(4L << 20),
            new TestingGuestHandleResolver(), Map.of(OP, (HypercallHandler) (c, a) -> action.get().applyAsLong(c)));

    TestGuestAccessBounds() {
        m.hypervisor.createDomain(DomainSpec.guest(1, 4L * PAGE));
    }

    private long run(ToLongFunction<HypercallContext> what) {
        action.set(what);
        return m.entry.hypercall(1, 0, OP);
    }

    /**
     * An arch state whose region maps offset {@code o} to guest-physical {@code (o + shift) mod 2 pages}
     * (so a page ends at offset {@code PAGE - shift}), and faults from offset {@code faultFrom} on.
     */
    private static DomainArchState wrapping(long shift, long faultFrom) {
        return new DomainArchState() {
            @Override
            public GuestRegion open(HypercallContext context, MemoryReference ref, GuestAccessKind access) {
                return offset -> offset >= faultFrom ? XenErrno.EFAULT.asResult() : Math.floorMod(offset + shift, 2L * PAGE);
            }

            @Override
            public void release(DomainTeardown teardown) {}
        };
    }

    private GuestAccess access(HypercallContext c, DomainArchState state) {
        return new GuestAccess(c, m.resolver, state, m.scheduler, m.metrics, m.trace);
    }

    @Test
    void aCopyMayFillTheBufferToItsLastByte() {
        byte[] src = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
        assertThat(run(c -> c.guest().copyToGuest(new MemoryReference(100), 0, src, 8, 8))).isZero();
        byte[] dst = new byte[16];
        assertThat(run(c -> c.guest().copyFromGuest(dst, 8, new MemoryReference(100), 0, 8))).isZero();
        assertThat(Arrays.copyOfRange(dst, 8, 16)).containsExactly(9, 10, 11, 12, 13, 14, 15, 16);
        assertThat(m.metrics.get(Counter.HYPERVISOR_FAULTS)).isZero();
    }

    @Test
    void anOffsetRangeEndingAtTheLargestOffsetDoesNotOverflow() {
        byte[] dst = new byte[4];
        // Offsets MAX-4 .. MAX-1: the region maps them into the domain's first two pages.
        assertThat(run(c -> access(c, wrapping(0, Long.MAX_VALUE)).copyFromGuest(dst, 0, new MemoryReference(0), Long.MAX_VALUE - 4, 4)))
                .isZero();
        assertThat(run(c -> access(c, wrapping(0, Long.MAX_VALUE)).copyFromGuest(dst, 0, new MemoryReference(0), Long.MAX_VALUE - 3, 4)))
                .isEqualTo(4);
        assertThat(m.metrics.get(Counter.HYPERVISOR_FAULTS)).isEqualTo(1);
    }

    @Test
    void accessOkTakesEmptyRangesAndTheLargestOffsetButNoNegativeOrNull() {
        MemoryReference ref = new MemoryReference(0);
        assertThat(run(c -> c.guest().accessOk(ref, 0, 0) ? 1 : 0)).isEqualTo(1);
        assertThat(run(c -> c.guest().accessOk(ref, Long.MAX_VALUE - 4, 4) ? 1 : 0)).isEqualTo(1);
        assertThat(run(c -> c.guest().accessOk(ref, Long.MAX_VALUE - 3, 4) ? 1 : 0)).isZero();
        assertThat(run(c -> c.guest().accessOk(ref, -1, 4) ? 1 : 0)).isZero();
        assertThat(run(c -> c.guest().accessOk(ref, 0, -1) ? 1 : 0)).isZero();
        assertThat(run(c -> c.guest().accessOk(null, 0, 4) ? 1 : 0)).isZero();
    }

    @Test
    void aTranslationFaultAfterPartOfACopyReportsOnlyTheRestAndTracesWhereItStopped() {
        byte[] src = new byte[300];
        Arrays.fill(src, (byte) 7);
        // Bytes 0..199 translate, to the end of a page; from 200 on the region faults.
        assertThat(run(c -> access(c, wrapping(PAGE - 200, 200)).copyToGuest(new MemoryReference(0), 0, src, 0, 300))).isEqualTo(100);
        assertThat(m.metrics.get(Counter.BYTES_TO_GUEST)).isEqualTo(200);
        byte[] dst = new byte[300];
        assertThat(run(c -> access(c, wrapping(PAGE - 250, 250)).copyFromGuest(dst, 0, new MemoryReference(0), 50, 250))).isEqualTo(50);
        assertThat(m.metrics.get(Counter.BYTES_TO_HYPERVISOR)).isEqualTo(200);
        assertThat(m.trace.events(TraceKind.FAULT)).extracting(TraceEvent::detail).satisfiesExactly(
                write -> assertThat(write).startsWith("copy_to_guest ").contains(" +200: ").endsWith(", 100 bytes not copied"),
                read -> assertThat(read).startsWith("copy_from_guest ").contains(" +250: ").endsWith(", 50 bytes not copied"));
    }

    @Test
    void aMemoryFaultAfterPartOfACopyTracesTheOffsetWhereItStopped() {
        byte[] dst = new byte[200];
        // The domain has four pages; a copy from 100 bytes before the end of the last one stops there.
        assertThat(run(c -> c.guest().copyFromGuest(dst, 0, new MemoryReference(4L * PAGE - 100), 10, 150))).isEqualTo(60);
        assertThat(m.trace.events(TraceKind.FAULT)).extracting(TraceEvent::detail).singleElement()
                .satisfies(line -> assertThat(line).startsWith("copy_from_guest ").contains(" +100: ").endsWith(", 60 bytes not copied"));
    }

    @Test
    void theArchIsAskedForAccessOkEvenAtOffsetZero() {
        org.xencommlab.api.xencomm.GuestHandleResolver refusing = new org.xencommlab.api.xencomm.GuestHandleResolver() {
            @Override
            public DomainArchState createDomainState(int domid, org.xencommlab.api.hypercall.XenHeapAccount heap) {
                return wrapping(0, Long.MAX_VALUE);
            }

            @Override
            public boolean accessOk(MemoryReference ref, long offset, long length) {
                return false;
            }
        };
        byte[] dst = new byte[8];
        assertThat(run(c -> new GuestAccess(c, refusing, wrapping(0, Long.MAX_VALUE), m.scheduler, m.metrics, m.trace)
                .copyFromGuest(dst, 0, new MemoryReference(0), 0, 8))).as("refused as a whole, nothing copied").isEqualTo(8);
        assertThat(m.metrics.get(Counter.BYTES_TO_HYPERVISOR)).isZero();
    }
}
