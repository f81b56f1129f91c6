package org.xencommlab.examples.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.xencommlab.examples.machine.WiredMachines.ascii;
import static org.xencommlab.examples.machine.WiredMachines.consoleWrite;

import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.abi.layout.LittleEndian;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.hypercall.SubOps;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.xencomm.BufferSlice;
import org.xencommlab.api.xencomm.HypercallBuffer;
import org.xencommlab.guest.kernel.GuestKernel;
import org.xencommlab.guest.lib.XcHandle;
import org.xencommlab.machine.facade.Machine;

/**
 * The cvm arch on a fully wired machine, with real hypercalls: private memory is out of the
 * hypervisor's reach, the page-state change hypercall ({@code arch_0}) converts and zeroes, and a
 * tool's calls work through the bounce pool or through shared buffers. The test names the ABI
 * numbers rather than the module's classes (examples only sees arch plug-ins at run time).
 */
final class TestCvmOnAWiredMachine {
    private static final long SEED = 11;
    private static final int PSC = HypercallNumber.ARCH_0;
    private static final long SUB_OP_PSC = 0;
    private static final long SUB_OP_PSC_MSR = 1;
    private static final int OP_PRIVATE = 1;
    private static final int OP_SHARED = 2;
    private static final byte[] MESSAGE = ascii("private unless shared");

    private static Machine cvm(Map<String, String> parameters) {
        return WiredMachines.machine("cvm", parameters, SEED);
    }

    private static long consoleFromKernel(GuestKernel kernel, long physicalAddress, int length) {
        return kernel.hypercall(HypercallNumber.CONSOLE_IO, SubOps.ConsoleIo.WRITE, length, physicalAddress);
    }

    @Test
    void aReferenceToAPrivatePageIsRefusedWithEfaultAndNoByteMoves() {
        Machine machine = cvm(Map.of());
        GuestKernel dom0 = machine.bootDom0(16L << 20);
        KernelBlock page = dom0.allocateContiguous(1);
        dom0.physicalMemory().write(page.physicalAddress(), MESSAGE, 0, MESSAGE.length);
        long faultsBefore = machine.metrics().get(Counter.HYPERVISOR_FAULTS);

        long result = consoleFromKernel(dom0, page.physicalAddress(), MESSAGE.length);

        assertThat(result).isEqualTo(XenErrno.EFAULT.asResult());
        assertThat(machine.hypervisor().console().output(0)).isEmpty();
        assertThat(machine.metrics().get(Counter.BYTES_TO_HYPERVISOR)).isZero();
        assertThat(machine.metrics().get(Counter.HYPERVISOR_FAULTS)).isGreaterThan(faultsBefore);
        assertThat(machine.hypervisor().audit()).isEmpty();
    }

    @Test
    void aConvertedPageIsZeroedAndThenReachableUntilConvertedBack() {
        Machine machine = cvm(Map.of());
        GuestKernel dom0 = machine.bootDom0(16L << 20);
        KernelBlock page = dom0.allocateContiguous(1);
        long gfn = page.physicalAddress() >>> 12;
        byte[] secret = ascii("guest secret");
        dom0.physicalMemory().write(page.physicalAddress(), secret, 0, secret.length);

        assertThat(dom0.hypercall(PSC, SUB_OP_PSC_MSR, gfn, OP_SHARED)).isZero();

        byte[] after = new byte[secret.length];
        dom0.physicalMemory().read(page.physicalAddress(), after, 0, after.length);
        assertThat(after).as("contents do not survive a conversion").containsOnly(0);
        dom0.physicalMemory().write(page.physicalAddress(), MESSAGE, 0, MESSAGE.length);
        assertThat(consoleFromKernel(dom0, page.physicalAddress(), MESSAGE.length)).isZero();
        assertThat(machine.hypervisor().console().output(0)).isEqualTo(MESSAGE);

        assertThat(dom0.hypercall(PSC, SUB_OP_PSC_MSR, gfn, OP_PRIVATE)).isZero();
        assertThat(consoleFromKernel(dom0, page.physicalAddress(), MESSAGE.length)).isEqualTo(XenErrno.EFAULT.asResult());
        assertThat(machine.hypervisor().console().output(0)).isEqualTo(MESSAGE);
        dom0.freeContiguous(page);
        assertThat(machine.hypervisor().audit()).isEmpty();
    }

    @Test
    void aBatchedRequestConvertsEveryEntryAndAdvancesCurEntry() {
        Machine machine = cvm(Map.of());
        GuestKernel dom0 = machine.bootDom0(16L << 20);
        KernelBlock ghcb = dom0.allocateContiguous(1);
        KernelBlock pages = dom0.allocateContiguous(3);
        assertThat(dom0.hypercall(PSC, SUB_OP_PSC_MSR, ghcb.physicalAddress() >>> 12, OP_SHARED)).isZero();
        byte[] desc = new byte[8 + 3 * 8];
        LittleEndian.putU16(desc, 0, 0);
        LittleEndian.putU16(desc, 2, 2);
        for (int i = 0; i < 3; i++) {
            LittleEndian.putU64(desc, 8 + 8 * i, (((pages.physicalAddress() >>> 12) + i) << 12) | ((long) OP_SHARED << 52));
        }
        dom0.physicalMemory().write(ghcb.physicalAddress(), desc, 0, desc.length);

        assertThat(dom0.hypercall(PSC, SUB_OP_PSC, ghcb.physicalAddress())).isZero();

        byte[] header = new byte[4];
        dom0.physicalMemory().read(ghcb.physicalAddress(), header, 0, 4);
        assertThat(LittleEndian.u16(header, 0)).as("cur_entry past end_entry").isEqualTo(3);
        byte[] message = ascii("three shared pages");
        dom0.physicalMemory().write(pages.physicalAddress() + 2 * 4096, message, 0, message.length);
        assertThat(consoleFromKernel(dom0, pages.physicalAddress() + 2 * 4096, message.length)).isZero();
    }

    @Test
    void aHostileHeaderIsEinvalAndChangesNothing() {
        Machine machine = cvm(Map.of());
        GuestKernel dom0 = machine.bootDom0(16L << 20);
        KernelBlock ghcb = dom0.allocateContiguous(1);
        KernelBlock target = dom0.allocateContiguous(1);
        assertThat(dom0.hypercall(PSC, SUB_OP_PSC_MSR, ghcb.physicalAddress() >>> 12, OP_SHARED)).isZero();
        byte[] desc = new byte[16];
        LittleEndian.putU16(desc, 2, 253); // end_entry past the 253-entry limit
        LittleEndian.putU64(desc, 8, ((target.physicalAddress() >>> 12) << 12) | ((long) OP_SHARED << 52));
        dom0.physicalMemory().write(ghcb.physicalAddress(), desc, 0, desc.length);
        dom0.physicalMemory().write(target.physicalAddress(), MESSAGE, 0, MESSAGE.length);

        assertThat(dom0.hypercall(PSC, SUB_OP_PSC, ghcb.physicalAddress())).isEqualTo(XenErrno.EINVAL.asResult());

        byte[] still = new byte[MESSAGE.length];
        dom0.physicalMemory().read(target.physicalAddress(), still, 0, still.length);
        assertThat(still).as("the target was not converted, so not zeroed").isEqualTo(MESSAGE);
        assertThat(consoleFromKernel(dom0, target.physicalAddress(), MESSAGE.length)).isEqualTo(XenErrno.EFAULT.asResult());
    }

    @Test
    void aDescriptorInPrivateMemoryIsRefused() {
        Machine machine = cvm(Map.of());
        GuestKernel dom0 = machine.bootDom0(16L << 20);
        KernelBlock privatePage = dom0.allocateContiguous(1);

        assertThat(dom0.hypercall(PSC, SUB_OP_PSC, privatePage.physicalAddress())).isEqualTo(XenErrno.EFAULT.asResult());
    }

    @Test
    void aToolsCallIsBouncedThroughThePoolAndSucceeds() {
        Machine machine = cvm(Map.of());
        GuestKernel dom0 = machine.bootDom0(16L << 20);
        XcHandle tool = machine.startTool(dom0, "xl");
        HypercallBuffer buffer = tool.allocBuf(1);
        BufferSlice slice = tool.allocMem(buffer, MESSAGE.length);

        long result = consoleWrite(tool, slice, MESSAGE);

        assertThat(result).isZero();
        assertThat(machine.hypervisor().console().output(0)).isEqualTo(MESSAGE);
        assertThat(machine.metrics().get(Counter.HYPERVISOR_FAULTS)).isZero();
        tool.freeBuf(buffer);
        assertThat(machine.hypervisor().audit()).isEmpty();
    }

    @Test
    void aMappingAboveTheSegmentLimitFailsAtOnceWithE2bigAndNothingMoves() {
        Machine machine = cvm(Map.of());
        GuestKernel dom0 = machine.bootDom0(16L << 20);
        XcHandle tool = machine.startTool(dom0, "xl");
        int length = 256 * 1024 + 1;
        HypercallBuffer buffer = tool.allocBuf(65);
        BufferSlice slice = tool.allocMem(buffer, length);
        byte[] big = new byte[length];
        Arrays.fill(big, (byte) 'x');

        long result = consoleWrite(tool, slice, big);

        assertThat(result).isEqualTo(XenErrno.E2BIG.asResult());
        assertThat(machine.hypervisor().console().output(0)).isEmpty();
        // The pool is whole again: a call of the largest size still fits.
        BufferSlice fits = tool.allocMem(tool.allocBuf(64), 256 * 1024);
        assertThat(consoleWrite(tool, fits, Arrays.copyOf(big, 256 * 1024))).isZero();
    }

    @Test
    void aFullPoolFailsTheCallAtOnceWithEnomemAndNothingMoves() {
        // 64 pages: 128 slots, exactly one largest mapping. A multicall's list takes one slot, so
        // the 256 KiB console buffer its entry names cannot be bounced.
        Machine machine = cvm(Map.of("bounce-pages", "64"));
        GuestKernel dom0 = machine.bootDom0(16L << 20);
        XcHandle tool = machine.startTool(dom0, "xl");
        int length = 256 * 1024;
        BufferSlice data = tool.allocMem(tool.allocBuf(64), length);
        BufferSlice list = tool.allocMem(tool.allocBuf(1), 64);
        byte[] big = new byte[length];
        Arrays.fill(big, (byte) 'y');
        tool.process().writeMemory(data.userAddress(), big, 0, length);
        byte[] entry = new byte[64];
        LittleEndian.putU64(entry, 0, HypercallNumber.CONSOLE_IO);
        LittleEndian.putU64(entry, 16, SubOps.ConsoleIo.WRITE);
        LittleEndian.putU64(entry, 24, length);
        LittleEndian.putU64(entry, 32, data.reference().value());
        tool.process().writeMemory(list.userAddress(), entry, 0, entry.length);
        long bytesBefore = machine.metrics().get(Counter.BYTES_TO_HYPERVISOR);

        long result = tool.hypercall(HypercallNumber.MULTICALL, list.reference().value(), 1);

        assertThat(result).isEqualTo(XenErrno.ENOMEM.asResult());
        assertThat(machine.metrics().get(Counter.BYTES_TO_HYPERVISOR)).isEqualTo(bytesBefore);
        assertThat(machine.hypervisor().console().output(0)).isEmpty();
        // Every slot came back: the same buffer alone fits the whole pool.
        assertThat(consoleWrite(tool, data, big)).isZero();
        assertThat(machine.hypervisor().console().output(0)).hasSize(length);
    }

    @Test
    void sharedBuffersAreReachedWithoutBouncingAndConvertedBackWhenFreed() {
        Machine machine = cvm(Map.of("buffers", "shared"));
        GuestKernel dom0 = machine.bootDom0(16L << 20);
        XcHandle tool = machine.startTool(dom0, "xl");
        HypercallBuffer buffer = tool.allocBuf(2);
        BufferSlice slice = tool.allocMem(buffer, MESSAGE.length);
        long callsBefore = machine.metrics().get(Counter.HYPERCALLS);

        assertThat(consoleWrite(tool, slice, MESSAGE)).isZero();
        assertThat(machine.hypervisor().console().output(0)).isEqualTo(MESSAGE);
        assertThat(machine.metrics().get(Counter.HYPERCALLS)).as("no conversion per call").isEqualTo(callsBefore + 1);

        tool.freeBuf(buffer);
        assertThat(machine.metrics().get(Counter.HYPERCALLS)).as("one conversion back when freed").isEqualTo(callsBefore + 2);
        assertThat(machine.hypervisor().audit()).isEmpty();
    }
}
