package org.xencommlab.hypervisor.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.hypervisor.HypervisorConfig;
import org.xencommlab.hypervisor.TestingGuestHandleResolver;
import org.xencommlab.hypervisor.TestingMachine;

/**
 * The table lists every live domain in domid order whichever domain is destroyed (the lowest, the
 * highest, one in the middle), and takes a reservation up to the largest physmap a domain may
 * have (2^31 - 1 frames), not one page more.
 */
final class TestDomainListAfterDestruction {
    private static final long PAGE = 4096;

    private final TestingMachine m = new TestingMachine(
            HypervisorConfig.defaults().withMachineMemoryBytes(256 * PAGE), new TestingGuestHandleResolver(), Map.of());

    private void create(int domid) {
        m.domains.create(DomainSpec.guest(domid, 4 * PAGE));
    }

    private java.util.List<Integer> listed() {
        return m.domains.domains().stream().map(Domain::domid).toList();
    }

    @Test
    void everyLiveDomainIsListedWhicheverIsDestroyed() {
        create(1);
        create(2);
        create(3);
        create(7);
        assertThat(m.domains.destroy(1)).isTrue();
        assertThat(listed()).as("the lowest destroyed").containsExactly(2, 3, 7);
        assertThat(m.domains.destroy(3)).isTrue();
        assertThat(listed()).as("one in the middle").containsExactly(2, 7);
        assertThat(m.domains.destroy(7)).isTrue();
        assertThat(listed()).as("the highest").containsExactly(2);
        create(5);
        assertThat(listed()).containsExactly(2, 5);
        assertThat(m.domains.destroy(2)).isTrue();
        assertThat(m.domains.destroy(5)).isTrue();
        assertThat(listed()).isEmpty();
        create(0);
        assertThat(listed()).containsExactly(0);
        assertThat(m.hypervisor.audit()).isEmpty();
    }

    @Test
    void theLargestReservationIsTwoToTheThirtyOneMinusOneFrames() {
        long largest = (long) Integer.MAX_VALUE * PAGE;
        Domain d = m.domains.create(DomainSpec.guest(1, PAGE).withMaxMemoryBytes(largest));
        assertThat(d.maxPages()).isEqualTo(Integer.MAX_VALUE);
        assertThat(d.physmapFrames()).isEqualTo(Integer.MAX_VALUE);
        XenException refused = org.assertj.core.api.Assertions.catchThrowableOfType(XenException.class,
                () -> m.domains.create(DomainSpec.guest(2, PAGE).withMaxMemoryBytes(largest + 1)));
        assertThat(refused.errno()).isEqualTo(XenErrno.EINVAL);
        assertThat(m.domains.lookup(2)).isNull();
        assertThat(m.domains.destroy(1)).isTrue();
    }
}
