package org.xencommlab.examples.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.xencommlab.examples.machine.WiredMachines.ascii;
import static org.xencommlab.examples.machine.WiredMachines.consoleWrite;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.abi.layout.LittleEndian;
import org.xencommlab.api.abi.memory.MemoryReservation;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.hypercall.SubOps;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.xencomm.BufferSlice;
import org.xencommlab.api.xencomm.HypercallBuffer;
import org.xencommlab.arch.ppc.reference.PpcMemref;
import org.xencommlab.guest.kernel.GuestKernel;
import org.xencommlab.guest.lib.XcHandle;
import org.xencommlab.machine.facade.Machine;

/**
 * A ppc tool in registration mode may not name memory inline: the inline form is the kernel's,
 * and the hypervisor would honour it for any frame of the domain. privcmd refuses it with EPERM,
 * top-level or nested, on {@code buffers=user} and {@code buffers=device}; the kernel's own inline
 * references keep working.
 */
final class TestPpcInlineGuardOnAWiredMachine {
    private static final long SEED = 5;
    private static final int DOMID_SELF = 0x7FF0;

    @Test
    void aToolsInlineReferenceToKernelMemoryIsEpermAndNothingReachesTheHypervisor() {
        for (String buffers : new String[] {"user", "device"}) {
            Machine machine = WiredMachines.machine("ppc", Map.of("buffers", buffers), SEED);
            GuestKernel dom0 = machine.bootDom0(32L << 20);
            XcHandle tool = machine.startTool(dom0, "xl");
            HypercallBuffer buffer = tool.allocBuf(1);
            byte[] secret = ascii("dom0 kernel memory, not the tool's\n");
            KernelBlock block = dom0.kmalloc(secret.length);
            dom0.physicalMemory().write(block.physicalAddress(), secret, 0, secret.length);
            long inline = PpcMemref.inline(block.physicalAddress());
            machine.hypervisor().console().feedInput(0, ascii("overwrite kernel bytes"));
            long hypercalls = machine.metrics().get(Counter.HYPERCALLS);

            // console_io write would leak the kernel's bytes; read would overwrite them.
            assertThat(tool.hypercall(HypercallNumber.CONSOLE_IO, SubOps.ConsoleIo.WRITE, secret.length, inline))
                    .as(buffers).isEqualTo(XenErrno.EPERM.asResult());
            assertThat(tool.hypercall(HypercallNumber.CONSOLE_IO, SubOps.ConsoleIo.READ, secret.length, inline))
                    .as(buffers).isEqualTo(XenErrno.EPERM.asResult());
            // A reservation in the tool's own buffer whose extent_start names kernel memory inline.
            BufferSlice reservation = tool.allocMem(buffer, MemoryReservation.SIZE);
            byte[] fields = new byte[MemoryReservation.SIZE];
            LittleEndian.putU64(fields, MemoryReservation.EXTENT_START_OFFSET, inline);
            LittleEndian.putU64(fields, MemoryReservation.NR_EXTENTS_OFFSET, 1);
            LittleEndian.putU16(fields, MemoryReservation.DOMID_OFFSET, DOMID_SELF);
            tool.process().writeMemory(reservation.userAddress(), fields, 0, fields.length);
            assertThat(tool.hypercall(HypercallNumber.MEMORY_OP, SubOps.MemoryOp.DECREASE_RESERVATION, reservation.reference().value()))
                    .as(buffers).isEqualTo(XenErrno.EPERM.asResult());

            assertThat(machine.metrics().get(Counter.HYPERCALLS)).as(buffers + ": nothing issued").isEqualTo(hypercalls);
            assertThat(machine.hypervisor().console().output(0)).as(buffers).isEmpty();
            byte[] after = new byte[secret.length];
            dom0.physicalMemory().read(block.physicalAddress(), after, 0, after.length);
            assertThat(after).as(buffers + ": kernel memory untouched").isEqualTo(secret);
            assertThat(machine.hypervisor().audit()).isEmpty();

            // The tool's own buffer still works, and so does the kernel's own inline reference.
            byte[] message = ascii("xl: registered and fine\n");
            assertThat(consoleWrite(tool, tool.allocMem(buffer, message.length), message)).as(buffers).isZero();
            assertThat(dom0.hypercall(HypercallNumber.CONSOLE_IO, SubOps.ConsoleIo.WRITE, secret.length, inline)).isZero();
            assertThat(machine.hypervisor().console().outputText(0)).as(buffers)
                    .isEqualTo("xl: registered and fine\ndom0 kernel memory, not the tool's\n");
            dom0.kfree(block);
        }
    }
}
