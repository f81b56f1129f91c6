package org.xencommlab.examples.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.xencommlab.examples.machine.WiredMachines.ascii;
import static org.xencommlab.examples.machine.WiredMachines.consoleWrite;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.metrics.Gauge;
import org.xencommlab.api.xencomm.BufferSlice;
import org.xencommlab.api.xencomm.HypercallBuffer;
import org.xencommlab.arch.ppc.guest.PpcBufferApi;
import org.xencommlab.arch.ppc.metrics.PpcMetrics;
import org.xencommlab.guest.kernel.GuestKernel;
import org.xencommlab.guest.lib.XcHandle;
import org.xencommlab.machine.facade.Machine;

/**
 * Issue 4 on a fully wired ppc machine: each of the mail's four problems as an observable outcome,
 * and what the registration mechanism costs.
 */
final class TestPpcRegistrationOnAWiredMachine {
    private static final long SEED = 11;

    @Test
    void problem1TheMailsInterleavingWorksWithRegistrationsTrackedPerDomain() {
        Machine machine = WiredMachines.machine("ppc", Map.of(), SEED);
        GuestKernel dom0 = machine.bootDom0(32L << 20);
        long heapAtBoot = machine.hypervisor().heap().usedBy(0);
        XcHandle tool = machine.startTool(dom0, "xl");
        XcHandle balloon = machine.startTool(dom0, "xenballoond");

        HypercallBuffer toolBuffer = tool.allocBuf(1);      // dom0 tool: register buffer
        HypercallBuffer balloonBuffer = balloon.allocBuf(2); //   balloon: register buffer
        byte[] fromBalloon = ascii("balloon target reached\n");
        assertThat(consoleWrite(balloon, balloon.allocMem(balloonBuffer, fromBalloon.length), fromBalloon)).isZero();
        balloon.freeBuf(balloonBuffer);                      //   balloon: unregister buffer
        byte[] fromTool = ascii("xl: still registered\n");
        assertThat(consoleWrite(tool, tool.allocMem(toolBuffer, fromTool.length), fromTool)).isZero();
        tool.freeBuf(toolBuffer);                            // dom0 tool: unregister buffer

        assertThat(machine.hypervisor().console().outputText(0)).isEqualTo("balloon target reached\nxl: still registered\n");
        assertThat(machine.metrics().get(PpcMetrics.REGISTRATIONS)).isEqualTo(2);
        assertThat(machine.metrics().get(PpcMetrics.UNREGISTRATIONS)).isEqualTo(2);
        assertThat(machine.metrics().peak(Gauge.REGISTRATIONS_LIVE)).isEqualTo(2);
        assertThat(machine.metrics().current(Gauge.REGISTRATIONS_LIVE)).isZero();
        assertThat(machine.hypervisor().heap().usedBy(0)).isEqualTo(heapAtBoot + tableLeaf(machine));
    }

    @Test
    void problem1CostsABoundedTableThatADomainCanFill() {
        Machine machine = WiredMachines.machine("ppc", Map.of("max-registrations", "2"), SEED);
        XcHandle tool = machine.startTool(machine.bootDom0(32L << 20), "xl");
        tool.allocBuf(1);
        tool.allocBuf(1);

        assertThatThrownBy(() -> tool.allocBuf(1))
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(XenErrno.ENOSPC));
        assertThat(machine.metrics().current(Gauge.REGISTRATIONS_LIVE)).isEqualTo(2);
    }

    @Test
    void problem2ABufferSpanningScatteredFramesArrivesIntact() {
        for (Map<String, String> variant : java.util.List.of(Map.<String, String>of(), Map.of("mode", "descriptor"),
                Map.of("buffers", "device"))) {
            Machine machine = WiredMachines.machine("ppc", variant, SEED);
            GuestKernel dom0 = machine.bootDom0(32L << 20);
            XcHandle tool = machine.startTool(dom0, "xl");
            tool.process().mmapAnonymous(3 * 4096); // some other mapping, so frames are not handed out in order
            HypercallBuffer buffer = tool.allocBuf(3);
            tool.allocMem(buffer, 4096 - 16);
            byte[] message = new byte[4096 + 64];
            for (int i = 0; i < message.length; i++) {
                message[i] = (byte) ('a' + i % 26);
            }
            BufferSlice slice = tool.allocMem(buffer, message.length); // covers three pages

            assertThat(consoleWrite(tool, slice, message)).as(variant.toString()).isZero();
            assertThat(machine.hypervisor().console().output(0)).as(variant.toString()).isEqualTo(message);
            if (variant.containsKey("mode")) {
                assertThat(machine.metrics().get(PpcMetrics.DESCRIPTORS)).isPositive();
                assertThat(machine.metrics().get(PpcMetrics.REGISTRATIONS)).isZero();
            } else if (variant.containsKey("buffers")) {
                assertThat(machine.metrics().peak(Gauge.DEVICE_BYTES_RESERVED))
                        .isGreaterThan(machine.metrics().peak(Gauge.DEVICE_BYTES_USED));
            } else {
                assertThat(machine.metrics().get(PpcMetrics.REGISTRATIONS)).isEqualTo(1);
            }
        }
    }

    @Test
    void problem3TheSizeMustBeKnownUpFrontAndGrowingCostsARegistration() {
        Machine machine = WiredMachines.machine("ppc", Map.of(), SEED);
        XcHandle tool = machine.startTool(machine.bootDom0(32L << 20), "xl");
        HypercallBuffer buffer = tool.allocBuf(1);
        tool.allocMem(buffer, 4000);

        assertThatThrownBy(() -> tool.allocMem(buffer, 200))
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(XenErrno.ENOSPC));

        HypercallBuffer larger = ((PpcBufferApi) tool.buffers()).grow(buffer, 4200);
        byte[] message = ascii("fits now");
        assertThat(consoleWrite(tool, tool.allocMem(larger, message.length), message)).isZero();
        assertThat(machine.metrics().get(Counter.RETRIES)).isEqualTo(1);
        assertThat(machine.metrics().get(PpcMetrics.REGISTRATIONS)).isEqualTo(2);
        assertThat(machine.metrics().current(Gauge.REGISTRATIONS_LIVE)).isEqualTo(1);
    }

    @Test
    void problem4TheKernelUnregistersWhatAKilledProcessLeftRegistered() {
        for (String cleanup : new String[] {"on", "off"}) {
            Machine machine = WiredMachines.machine("ppc", Map.of("cleanup", cleanup), SEED);
            GuestKernel dom0 = machine.bootDom0(32L << 20);
            long heapAtBoot = machine.hypervisor().heap().usedBy(0);
            XcHandle tool = machine.startTool(dom0, "xl");
            tool.allocBuf(1);
            tool.allocBuf(4);

            tool.process().kill();

            if (cleanup.equals("on")) {
                assertThat(machine.metrics().current(Gauge.REGISTRATIONS_LIVE)).isZero();
                assertThat(machine.hypervisor().heap().usedBy(0)).isEqualTo(heapAtBoot + tableLeaf(machine));
                assertThat(machine.metrics().current(Gauge.PINNED_FRAMES)).isZero();
            } else {
                assertThat(machine.metrics().current(Gauge.REGISTRATIONS_LIVE)).isEqualTo(2);
                assertThat(machine.hypervisor().heap().usedBy(0)).isGreaterThan(heapAtBoot + tableLeaf(machine));
                assertThat(machine.metrics().current(Gauge.PINNED_FRAMES)).isEqualTo(5);
            }
        }
    }

    @Test
    void problem4HoldsAtEverySchedulingPointAProcessCanDieAt() {
        for (int point = 1; point <= 12; point++) {
            Machine machine = WiredMachines.machine("ppc", Map.of(), SEED);
            GuestKernel dom0 = machine.bootDom0(32L << 20);
            long heapAtBoot = machine.hypervisor().heap().usedBy(0);
            XcHandle tool = machine.startTool(dom0, "xl");
            machine.scheduler().killAtPoint(machine.scheduler().pointsReached() + point, tool.process());
            try {
                HypercallBuffer buffer = tool.allocBuf(2);
                byte[] message = ascii("dying tool");
                consoleWrite(tool, tool.allocMem(buffer, message.length), message);
                tool.allocBuf(1);
            } catch (XenException e) {
                assertThat(e.errno()).isEqualTo(XenErrno.ESRCH);
            }
            tool.process().kill();

            assertThat(machine.metrics().current(Gauge.REGISTRATIONS_LIVE)).as("killed at point " + point).isZero();
            assertThat(machine.metrics().current(Gauge.PINNED_FRAMES)).as("killed at point " + point).isZero();
            assertThat(machine.hypervisor().heap().usedBy(0)).as("killed at point " + point).isEqualTo(heapAtBoot + tableLeaf(machine));
            assertThat(machine.hypervisor().audit()).isEmpty();
        }
    }

    /**
     * The Xen heap dom0's registration table keeps while dom0 lives: its first leaf (1024 bytes,
     * {@code RegistrationTable.LEAF_HEAP_BYTES}), made with the first registration. Not a leak: it
     * goes with the domain, as a Xen grant table's frames do.
     */
    private static long tableLeaf(Machine machine) {
        return machine.metrics().get(PpcMetrics.REGISTRATIONS) > 0 ? 1024 : 0;
    }
}
