package org.xencommlab.hypervisor.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xencommlab.hypervisor.HypervisorConfig;
import org.xencommlab.hypervisor.TestingGuestHandleResolver;
import org.xencommlab.hypervisor.TestingMachine;

/**
 * When a run of the p2m is checked frame by frame (one of its frames was freed behind the
 * domain's back), the pins on its other frames still recount: the audit names the freed frame and
 * nothing about pins.
 */
final class TestAuditPinsInABrokenRun {
    private static final int PAGE = 4096;

    private final TestingMachine m = new TestingMachine(
            HypervisorConfig.defaults().withMachineMemoryBytes(64L * PAGE), new TestingGuestHandleResolver(), Map.of());

    @Test
    void aPinBesideAFreedFrameIsStillCounted() {
        Domain d = m.domains.create(DomainSpec.guest(1, 8L * PAGE));
        assertThat(d.pinFrame(1)).isTrue();
        assertThat(d.pinFrame(6)).isTrue();
        assertThat(d.pinFrame(6)).isTrue();
        assertThat(d.audit()).isEmpty();
        int freed = (int) d.mfnOf(3);
        assertThat(m.machine.put(freed)).isTrue();

        assertThat(d.audit()).containsExactly(
                "d1 gfn 0x3 maps mfn " + freed + " owned by -1",
                "d1 gfn 0x3 maps a free frame");
        assertThat(d.pinnedFrames()).isEqualTo(2);
    }
}
