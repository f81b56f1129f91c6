package org.xencommlab.guest.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.xencommlab.api.memory.GuestPhysicalMemory;
import org.xencommlab.guest.GuestConfig;
import org.xencommlab.guest.testing.TestingMachine;

/** The boot's argument checks: a kernel boots only on its own domain's memory, with room above its reserve. */
final class TestGuestKernelFactory {
    private final TestingMachine machine = new TestingMachine();
    private final GuestConfig config = machine.config;
    private final GuestPhysicalMemory memory = machine.addDomain(1, 512);

    @Test
    void anotherDomainsMemoryIsRefused() {
        assertThatThrownBy(() -> machine.kernels.boot(2, 512, 512, memory, config))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("belongs to domain 1");
    }

    @Test
    void noRoomAboveTheReserveOrMoreRamThanTheMaximumIsRefused() {
        long reserve = config.kernelReservePages();
        assertThatThrownBy(() -> machine.kernels.boot(1, reserve, 512, memory, config)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> machine.kernels.boot(1, 512, 511, memory, config)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> machine.kernels.boot(1, 512, 512, null, config)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void aRefusedBootLeavesTheMemoryFreeForARealOne() {
        assertThatThrownBy(() -> machine.kernels.boot(1, 512, 511, memory, config)).isInstanceOf(IllegalArgumentException.class);

        GuestKernel kernel = machine.kernels.boot(1, 512, 512, memory, config);

        assertThat(machine.xencomm.kernelsAttached()).as("only the real boot reached the arch").isEqualTo(1);
        assertThat(kernel.framesInUse()).isEqualTo(kernel.kernelTableFrames());
    }
}
