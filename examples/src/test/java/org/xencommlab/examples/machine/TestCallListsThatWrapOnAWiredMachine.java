package org.xencommlab.examples.machine;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Injector;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.abi.layout.LittleEndian;
import org.xencommlab.api.abi.memory.MemoryOpCommand;
import org.xencommlab.api.abi.memory.MemoryReservation;
import org.xencommlab.api.abi.multicall.MulticallEntry;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.hypercall.SubOps;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.paging.PageTableFormat;
import org.xencommlab.guest.kernel.GuestKernel;
import org.xencommlab.guest.memory.FrameUse;
import org.xencommlab.guest.paging.PageTables;
import org.xencommlab.hypervisor.domain.DomainSpec;
import org.xencommlab.machine.facade.Machine;
import org.xencommlab.machine.wiring.LabConfiguration;
import org.xencommlab.machine.wiring.RunEnvironment;

/**
 * Issue 12, defect 5, for the lists Xen works through element by element: memory_op's extent list
 * ({@code guest_handle_subrange_okay} in {@code do_memory_op}) and multicall's call list
 * ({@code guest_handle_okay} in {@code do_multicall}) are checked as a whole before the first
 * element moves, so a list that wraps past the top of the address space does nothing at all.
 */
final class TestCallListsThatWrapOnAWiredMachine {
    private static final long TOP_PAGE = 0xffff_ffff_ffff_f000L;
    private static final long NEAR_TOP = 0xffff_ffff_ffff_ff00L;
    private static final int BELOW_WRAP = 0x100;
    private static final int DOMID_SELF = 0x7FF0;

    @Test
    void anExtentListThatWrapsPastTheTopOfX86AddressSpaceAllocatesNothing() {
        Lab lab = new Lab();
        int fit = BELOW_WRAP / MemoryReservation.EXTENT_SIZE;
        long structAt = 0x800;
        byte[] struct = new MemoryReservation(NEAR_TOP, fit + 1, 0, 0, DOMID_SELF).encodePointer();
        lab.writeVirtual(structAt, struct);
        long cmd = new MemoryOpCommand(SubOps.MemoryOp.INCREASE_RESERVATION, 0).encode();

        long result = lab.dom0.hypercall(HypercallNumber.MEMORY_OP, cmd, structAt);

        // Xen answers a refusal before the work with start_extent (here 0), not an errno.
        assertThat(result).isZero();
        assertThat(lab.machine.metrics().get(Counter.EXTENTS_DONE)).as("no extent allocated").isZero();
        assertThat(lab.readVirtual(NEAR_TOP, BELOW_WRAP)).as("no frame number written back").containsOnly((byte) 'w');

        // The same list, one extent shorter, ends below the wrap and is done whole.
        lab.writeVirtual(structAt, new MemoryReservation(NEAR_TOP, fit, 0, 0, DOMID_SELF).encodePointer());
        assertThat(lab.dom0.hypercall(HypercallNumber.MEMORY_OP, cmd, structAt)).isEqualTo(fit);
        assertThat(lab.machine.metrics().get(Counter.EXTENTS_DONE)).isEqualTo(fit);
    }

    @Test
    void aCallListThatWrapsPastTheTopOfX86AddressSpaceRunsNoCall() {
        Lab lab = new Lab();
        int fit = BELOW_WRAP / MulticallEntry.SIZE;
        byte[] list = new byte[BELOW_WRAP];
        for (int i = 0; i < fit; i++) {
            // Each entry writes 4 bytes of page 0 (all 'w') to the console.
            MulticallEntry.of(HypercallNumber.CONSOLE_IO, SubOps.ConsoleIo.WRITE, 4, 0x10).encode(list, i * MulticallEntry.SIZE);
        }
        lab.writeVirtual(NEAR_TOP, list);

        long result = lab.dom0.hypercall(HypercallNumber.MULTICALL, NEAR_TOP, fit + 1);

        assertThat(result).isEqualTo(XenErrno.EFAULT.asResult());
        assertThat(lab.machine.hypervisor().console().output(0)).as("no entry before the wrap ran").isEmpty();
        assertThat(lab.readVirtual(NEAR_TOP, BELOW_WRAP)).as("no result word written").isEqualTo(list);

        // The entries below the wrap alone run.
        assertThat(lab.dom0.hypercall(HypercallNumber.MULTICALL, NEAR_TOP, fit)).isZero();
        assertThat(lab.machine.hypervisor().console().output(0)).hasSize(4 * fit);
        assertThat(LittleEndian.u64(lab.readVirtual(NEAR_TOP, MulticallEntry.SIZE), MulticallEntry.RESULT_OFFSET)).isZero();
    }

    /** dom0 on x86 with the top page and page 0 mapped and filled with 'w': only the wrap lies between them. */
    private static final class Lab {
        final Machine machine;
        final GuestKernel dom0;
        private final long topFrame;
        private final long zeroFrame;

        Lab() {
            Injector injector = WiredMachines.INJECTORS.injector(new LabConfiguration("x86", "pointer", Map.of(), Map.of()),
                    RunEnvironment.defaults(3));
            machine = injector.getInstance(Machine.class);
            PageTableFormat format = injector.getInstance(PageTableFormat.class);
            // Room above the reservation, so that increase_reservation can succeed.
            dom0 = machine.boot(DomainSpec.dom0(16L << 20).withMaxMemoryBytes(32L << 20));
            PageTables tables = new PageTables(dom0.physicalMemory(), format, machine.pageSize());
            long root = dom0.currentRootGfn(0);
            long[] frames = new long[2];
            long[] vas = {TOP_PAGE, 0};
            for (int i = 0; i < vas.length; i++) {
                long frame = zeroedFrame(dom0);
                long entry = tables.leafEntryAddressAllocating(root, vas[i], () -> zeroedFrame(dom0));
                tables.write(entry, format.pageEntry(frame, true, false));
                byte[] text = new byte[machine.pageSize().bytes()];
                Arrays.fill(text, (byte) 'w');
                dom0.physicalMemory().write(machine.pageSize().addressOf(frame), text, 0, text.length);
                frames[i] = frame;
            }
            topFrame = frames[0];
            zeroFrame = frames[1];
        }

        /** Writes within one of the two mapped pages. */
        void writeVirtual(long va, byte[] bytes) {
            dom0.physicalMemory().write(physical(va), bytes, 0, bytes.length);
        }

        byte[] readVirtual(long va, int length) {
            byte[] out = new byte[length];
            dom0.physicalMemory().read(physical(va), out, 0, length);
            return out;
        }

        private long physical(long va) {
            long frame = Long.compareUnsigned(va, TOP_PAGE) >= 0 ? topFrame : zeroFrame;
            return machine.pageSize().addressOf(frame) + (va & (machine.pageSize().bytes() - 1));
        }
    }

    private static long zeroedFrame(GuestKernel kernel) {
        long gfn = kernel.frameAllocator().allocate(FrameUse.PAGE_TABLE);
        kernel.physicalMemory().write(kernel.pageSize().addressOf(gfn), new byte[kernel.pageSize().bytes()], 0,
                kernel.pageSize().bytes());
        return gfn;
    }
}
