package org.xencommlab.hypervisor.entry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.hypercall.HypercallHandler;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.hypervisor.HypervisorConfig;
import org.xencommlab.hypervisor.TestingGuestHandleResolver;
import org.xencommlab.hypervisor.TestingMachine;
import org.xencommlab.hypervisor.domain.DomainSpec;

/**
 * A top-level entry's context refuses a continuation of six words with IllegalArgumentException
 * (and makes none), and names the domain it runs for.
 */
final class TestEntryContextContinuationArguments {
    private static final int OP = HypercallNumber.ARCH_0 + 1;

    private final AtomicReference<Object> seen = new AtomicReference<>();
    private final TestingMachine m = new TestingMachine(HypervisorConfig.defaults().withMachineMemoryBytes(4L << 20),
            new TestingGuestHandleResolver(), Map.of(OP, (HypercallHandler) (c, a) -> {
                EntryContext entry = (EntryContext) c;
                seen.set(entry.domain().domid());
                try {
                    entry.createContinuation(OP, 1, 2, 3, 4, 5, 6);
                    return 1;
                } catch (IllegalArgumentException refused) {
                    return 2;
                }
            }));

    @Test
    void sixContinuationWordsAreRefusedAndNoContinuationIsMade() {
        m.hypervisor.createDomain(DomainSpec.guest(3, 4L * 4096));
        assertThat(m.entry.hypercall(3, 0, OP)).isEqualTo(2);
        assertThat(seen.get()).isEqualTo(3);
        assertThat(m.entry.containedFailures()).isZero();
    }
}
