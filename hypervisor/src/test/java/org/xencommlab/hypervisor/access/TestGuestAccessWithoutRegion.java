package org.xencommlab.hypervisor.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;
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
 * An arch state that opens no region for a reference (a backend bug, not a guest error) makes a
 * fault of the whole copy, in either direction: nothing is copied, every byte is reported not
 * copied, and the fault is counted and traced.
 */
final class TestGuestAccessWithoutRegion {
    private static final int OP = HypercallNumber.ARCH_0 + 1;

    private final AtomicReference<ToLongFunction<HypercallContext>> action = new AtomicReference<>();
    private final TestingMachine m = new TestingMachine(HypervisorConfig.defaults().withMachineMemoryBytes(4L << 20),
            new TestingGuestHandleResolver(), Map.of(OP, (HypercallHandler) (c, a) -> action.get().applyAsLong(c)));
    private final DomainArchState noRegion = new DomainArchState() {
        @Override
        public GuestRegion open(HypercallContext context, MemoryReference ref, GuestAccessKind access) {
            return null;
        }

        @Override
        public void release(DomainTeardown teardown) {}
    };

    private long run(ToLongFunction<HypercallContext> what) {
        action.set(what);
        return m.entry.hypercall(1, 0, OP);
    }

    @Test
    void noRegionIsAFaultOfTheWholeCopy() {
        m.hypervisor.createDomain(DomainSpec.guest(1, 4L * 4096));
        byte[] bytes = {1, 2, 3, 4, 5, 6};
        assertThat(run(c -> new GuestAccess(c, m.resolver, noRegion, m.scheduler, m.metrics, m.trace)
                .copyToGuest(new MemoryReference(64), 0, bytes, 0, 6))).isEqualTo(6);
        byte[] dst = new byte[4];
        assertThat(run(c -> new GuestAccess(c, m.resolver, noRegion, m.scheduler, m.metrics, m.trace)
                .copyFromGuest(dst, 0, new MemoryReference(64), 0, 4))).isEqualTo(4);
        assertThat(dst).containsOnly(0);
        assertThat(m.metrics.get(Counter.HYPERVISOR_FAULTS)).isEqualTo(2);
        assertThat(m.metrics.get(Counter.BYTES_TO_GUEST)).isZero();
        assertThat(m.trace.events(TraceKind.FAULT)).extracting(TraceEvent::detail)
                .allSatisfy(line -> assertThat(line).contains("no region"));
        byte[] guest = new byte[6];
        m.entry.physicalMemory(1).read(64, guest, 0, 6);
        assertThat(guest).containsOnly(0);
    }
}
