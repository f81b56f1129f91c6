package org.xencommlab.hypervisor.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.hypercall.HypercallHandler;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.hypervisor.HypervisorConfig;
import org.xencommlab.hypervisor.TestingGuestHandleResolver;
import org.xencommlab.hypervisor.TestingMachine;
import org.xencommlab.hypervisor.domain.DomainSnapshot;
import org.xencommlab.hypervisor.domain.DomainSpec;

/** What the facade answers: the snapshot of a new domain, a fresh console per domain, destruction once, contained failures. */
class TestHypervisorFacade {
    private static final int BROKEN = HypercallNumber.ARCH_0 + 2;

    private final TestingMachine m = new TestingMachine(HypervisorConfig.defaults().withMachineMemoryBytes(8L << 20),
            new TestingGuestHandleResolver(), Map.of(BROKEN, (HypercallHandler) (c, a) -> {
                throw new IllegalStateException("a handler bug");
            }));
    private final Hypervisor xen = m.hypervisor;

    @Test
    void createDomainAnswersTheNewDomainsSnapshot() {
        DomainSnapshot created = xen.createDomain(DomainSpec.guest(3, 16L * 4096).withMaxMemoryBytes(32L * 4096));
        assertThat(created).isEqualTo(xen.domainSnapshot(3).orElseThrow());
        assertThat(created.domid()).isEqualTo(3);
        assertThat(created.totPages()).isEqualTo(16);
        assertThat(created.maxPages()).isEqualTo(32);
        assertThat(xen.heap()).isSameAs(m.heap);
    }

    @Test
    void aDomainCreatedAgainStartsWithAnEmptyConsole() {
        xen.createDomain(DomainSpec.guest(2, 4L * 4096));
        byte[] text = "old".getBytes(StandardCharsets.US_ASCII);
        xen.console().append(2, text, 0, text.length);
        assertThat(xen.destroyDomain(2)).isTrue();
        assertThat(xen.console().outputText(2)).as("output stays readable after destruction").isEqualTo("old");
        xen.createDomain(DomainSpec.guest(2, 4L * 4096));
        assertThat(xen.console().output(2)).isEmpty();
    }

    @Test
    void aDomainIsDestroyedOnce() {
        assertThat(xen.destroyDomain(9)).isFalse();
        xen.createDomain(DomainSpec.guest(9, 4L * 4096));
        assertThat(xen.destroyDomain(9)).isTrue();
        assertThat(xen.destroyDomain(9)).isFalse();
        assertThat(xen.domainSnapshot(9)).isEmpty();
        assertThat(xen.audit()).isEmpty();
    }

    @Test
    void aHandlerBugIsContainedAndCounted() {
        xen.createDomain(DomainSpec.guest(1, 4L * 4096));
        assertThat(xen.containedFailures()).isZero();
        assertThat(xen.gate().hypercall(1, 0, BROKEN)).isNegative();
        assertThat(xen.gate().hypercall(1, 0, BROKEN)).isNegative().isNotEqualTo(XenErrno.ENOSYS.asResult());
        assertThat(xen.containedFailures()).isEqualTo(2);
    }
}
