package org.xencommlab.hypervisor.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.hypervisor.HypervisorConfig;
import org.xencommlab.hypervisor.TestingMachine;

/** Domain creation at the edges of the domid and vCPU ranges. */
class TestDomainTableBounds {
    private final TestingMachine m = new TestingMachine(HypervisorConfig.defaults().withMachineMemoryBytes(4L << 20));

    @Test
    void theLastOrdinaryDomidIsAcceptedAndTheFirstReservedOneIsNot() {
        int last = DomainTable.DOMID_FIRST_RESERVED - 1;
        assertThat(m.hypervisor.createDomain(DomainSpec.guest(last, 4096)).domid()).isEqualTo(last);
        assertThatThrownBy(() -> m.hypervisor.createDomain(DomainSpec.guest(DomainTable.DOMID_FIRST_RESERVED, 4096)))
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(XenErrno.EINVAL));
        assertThat(m.hypervisor.domains()).hasSize(1);
    }

    @Test
    void aDomainMayHaveExactlyTheMostVcpus() {
        int most = m.config.maxVcpus();
        assertThat(m.hypervisor.createDomain(DomainSpec.guest(1, 4096).withVcpus(most)).vcpus()).isEqualTo(most);
        assertThatThrownBy(() -> m.hypervisor.createDomain(DomainSpec.guest(2, 4096).withVcpus(most + 1)))
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(XenErrno.EINVAL));
        assertThat(m.hypervisor.domainSnapshot(2)).isEmpty();
    }
}
