package org.xencommlab.examples.machine;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Injector;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.hypercall.SubOps;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.paging.PageTableFormat;
import org.xencommlab.guest.kernel.GuestKernel;
import org.xencommlab.guest.memory.FrameUse;
import org.xencommlab.guest.paging.PageTables;
import org.xencommlab.machine.facade.Machine;
import org.xencommlab.machine.wiring.LabConfiguration;
import org.xencommlab.machine.wiring.RunEnvironment;

/**
 * Issue 12, defect 5: a guest range that wraps past the top of the address space is refused as a
 * whole before its first byte (Xen's {@code access_ok}), not copied up to the wrap.
 */
final class TestRangesThatWrapOnAWiredMachine {
    private static final long TOP_PAGE = 0xffff_ffff_ffff_f000L;
    private static final long NEAR_TOP = 0xffff_ffff_ffff_ff00L;

    @Test
    void aConsoleWriteThatWrapsPastTheTopOfX86AddressSpaceWritesNothing() {
        Injector injector = WiredMachines.INJECTORS.injector(new LabConfiguration("x86", "pointer", Map.of(), Map.of()),
                RunEnvironment.defaults(3));
        Machine machine = injector.getInstance(Machine.class);
        PageTableFormat format = injector.getInstance(PageTableFormat.class);
        GuestKernel dom0 = machine.bootDom0(16L << 20);
        PageTables tables = new PageTables(dom0.physicalMemory(), format, machine.pageSize());
        long root = dom0.currentRootGfn(0);
        // The top page and page 0 both mapped: only the wrap itself stands between them.
        for (long va : new long[] {TOP_PAGE, 0}) {
            long frame = zeroedFrame(dom0);
            long entry = tables.leafEntryAddressAllocating(root, va, () -> zeroedFrame(dom0));
            tables.write(entry, format.pageEntry(frame, true, false));
            byte[] text = new byte[machine.pageSize().bytes()];
            Arrays.fill(text, (byte) 'w');
            dom0.physicalMemory().write(machine.pageSize().addressOf(frame), text, 0, text.length);
        }

        long result = dom0.hypercall(HypercallNumber.CONSOLE_IO, SubOps.ConsoleIo.WRITE, 0x200, NEAR_TOP);

        assertThat(result).isEqualTo(XenErrno.EFAULT.asResult());
        assertThat(machine.hypervisor().console().output(0)).as("no prefix reaches the console").isEmpty();
        assertThat(machine.metrics().get(Counter.BYTES_TO_HYPERVISOR)).isZero();
        // The same bytes below the wrap are readable: the refusal is the range's, not the page's.
        assertThat(dom0.hypercall(HypercallNumber.CONSOLE_IO, SubOps.ConsoleIo.WRITE, 0x100, NEAR_TOP)).isZero();
        assertThat(machine.hypervisor().console().output(0)).hasSize(0x100);
    }

    private static long zeroedFrame(GuestKernel kernel) {
        long gfn = kernel.frameAllocator().allocate(FrameUse.PAGE_TABLE);
        kernel.physicalMemory().write(kernel.pageSize().addressOf(gfn), new byte[kernel.pageSize().bytes()], 0,
                kernel.pageSize().bytes());
        return gfn;
    }
}
