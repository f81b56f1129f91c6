package org.xencommlab.examples.machine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.metrics.Gauge;
import org.xencommlab.api.xencomm.HypercallBuffer;
import org.xencommlab.guest.kernel.GuestKernel;
import org.xencommlab.guest.lib.XcHandle;
import org.xencommlab.machine.facade.Machine;

/**
 * A kill that lands while a tool unmaps a device buffer: the mapping's clean-up runs inside the
 * munmap, so no kill point lies between "mapping removed" and "its pages given back". Whatever
 * point the kill lands at, the dead tool leaves no device byte, kernel frame or kernel block.
 */
final class TestDeviceBufferKillOnAWiredMachine {
    private static final long SEED = 5;

    @ParameterizedTest
    @ValueSource(strings = {"x86", "ppc"})
    void aKillDuringTheUnmapOfADeviceBufferLeaksNothing(String arch) {
        for (int point = 1; point <= 4; point++) {
            Machine machine = WiredMachines.machine(arch, Map.of("buffers", "device"), SEED);
            GuestKernel dom0 = machine.bootDom0(32L << 20);
            // A first tool maps and unmaps a buffer and exits, so that only the victim's own
            // frames come and go (the kernel's tables and a device area stay).
            XcHandle warmUp = machine.startTool(dom0, "warm-up");
            warmUp.freeBuf(warmUp.allocBuf(1));
            warmUp.process().exit();
            long deviceBytesAtBoot = machine.metrics().current(Gauge.DEVICE_BYTES_USED);
            long framesAtBoot = dom0.framesInUse();
            int blocksAtBoot = dom0.kernelBlocksLive();
            XcHandle tool = machine.startTool(dom0, "xl");
            HypercallBuffer buffer = tool.allocBuf(1);
            assertThat(machine.metrics().current(Gauge.DEVICE_BYTES_USED)).isEqualTo(deviceBytesAtBoot + 4096);
            machine.scheduler().killAtPoint(machine.scheduler().pointsReached() + point, tool.process());
            try {
                tool.freeBuf(buffer);
            } catch (XenException e) {
                assertThat(e.errno()).isEqualTo(XenErrno.ESRCH);
            }
            tool.process().kill();

            assertThat(tool.process().isAlive()).isFalse();
            assertThat(machine.metrics().current(Gauge.DEVICE_BYTES_USED)).as("%s device bytes, killed at point %d", arch, point)
                    .isEqualTo(deviceBytesAtBoot);
            assertThat(dom0.framesInUse()).as("%s frames, killed at point %d", arch, point).isEqualTo(framesAtBoot);
            assertThat(dom0.kernelBlocksLive()).as("%s kernel blocks, killed at point %d", arch, point).isEqualTo(blocksAtBoot);
            assertThat(machine.hypervisor().audit()).isEmpty();
        }
    }
}
