package org.xencommlab.guest.privcmd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.abi.ArgumentPlacement;
import org.xencommlab.api.abi.PlainCall;
import org.xencommlab.api.abi.PreparedCall;
import org.xencommlab.api.abi.console.ConsoleIo;
import org.xencommlab.api.abi.console.ConsoleWriteRequest;
import org.xencommlab.api.abi.layout.EmbeddedBlockHeader;
import org.xencommlab.api.abi.layout.LittleEndian;
import org.xencommlab.api.abi.multicall.MulticallBlock;
import org.xencommlab.api.abi.multicall.MulticallEntry;
import org.xencommlab.api.abi.multicall.MulticallRequest;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.hypercall.SubOps;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.guest.kernel.GuestKernel;
import org.xencommlab.guest.kernel.GuestProcess;
import org.xencommlab.guest.testing.TestingMachine;
import org.xencommlab.guest.testing.TestingStrategies;

/**
 * Privcmd's one hypercall ioctl under a strategy that asks the kernel to carry a tool's block
 * (embedded): the block goes through kernel memory and comes back; bad input changes nothing.
 */
final class TestPrivcmdCarriesABlock {
    private final TestingMachine machine = new TestingMachine(TestingStrategies.embedded());
    private final GuestKernel kernel = machine.boot(0, 1024);
    private final GuestProcess tool = kernel.startProcess("xl");
    private final PrivcmdFile file = machine.privcmd.open(tool);

    /** Prepares {@code request} into a fresh page of the tool's memory, as the library does. */
    private long[] prepare(org.xencommlab.api.abi.HypercallRequest<?> request, long address, int[] length) {
        ArgumentPlacement placement = (src, offset, n) -> {
            tool.writeMemory(address, src, offset, n);
            length[0] = n;
            return new ArgumentPlacement.Placed() {
                @Override
                public MemoryReference reference() {
                    return new MemoryReference(address);
                }

                @Override
                public MemoryReference referenceAt(int at) {
                    return new MemoryReference(address + at);
                }

                @Override
                public int length() {
                    return n;
                }

                @Override
                public void write(int at, byte[] bytes, int bytesOffset, int count) {
                    tool.writeMemory(address + at, bytes, bytesOffset, count);
                }

                @Override
                public void read(int at, byte[] dst, int dstOffset, int count) {
                    tool.readMemory(address + at, dst, dstOffset, count);
                }
            };
        };
        PreparedCall<?> call = machine.strategy.prepare(placement, request);
        return call.args();
    }

    @Test
    void aBlockIsCopiedThroughAKernelBlockAndFreed() {
        byte[] text = "through the kernel".getBytes(StandardCharsets.US_ASCII);
        long address = tool.mmapAnonymous(4096);
        int[] length = new int[1];
        long[] args = prepare(new ConsoleWriteRequest(text), address, length);
        int blocks = kernel.kernelBlocksLive();
        long copied = machine.metrics.get(Counter.KERNEL_COPY_BYTES);

        assertThat(file.hypercall(HypercallNumber.CONSOLE_IO, args)).isZero();

        assertThat(machine.console(0)).isEqualTo(text);
        assertThat(machine.metrics.get(Counter.KERNEL_COPY_BYTES) - copied).isEqualTo(2L * (ConsoleIo.DATA_OFFSET + text.length));
        assertThat(kernel.kernelBlocksLive()).isEqualTo(blocks);
        assertThat(tool.lockedPages()).isZero();
    }

    @Test
    void aMulticallsSubBlockReferencesAreRewrittenForTheHypervisorAndRestoredForTheTool() {
        byte[] text = "nested".getBytes(StandardCharsets.US_ASCII);
        long address = tool.mmapAnonymous(4096);
        int[] length = new int[1];
        long[] args = prepare(MulticallRequest.of(PlainCall.of(HypercallNumber.XEN_VERSION, 0, 0), new ConsoleWriteRequest(text)), address, length);
        byte[] before = new byte[length[0]];
        tool.readMemory(address, before, 0, before.length);

        assertThat(file.hypercall(HypercallNumber.MULTICALL, args)).isZero();

        assertThat(machine.console(0)).isEqualTo(text);
        byte[] after = new byte[length[0]];
        tool.readMemory(address, after, 0, after.length);
        int second = MulticallBlock.ENTRIES_OFFSET + MulticallEntry.SIZE;
        assertThat(LittleEndian.u64(after, second + MulticallEntry.ARGS_OFFSET + 16))
                .as("the tool sees its own pointer, not the kernel's reference").isEqualTo(LittleEndian.u64(before, second + MulticallEntry.ARGS_OFFSET + 16));
        assertThat(LittleEndian.u64(after, second + MulticallEntry.RESULT_OFFSET)).isZero();
        assertThat(LittleEndian.u64(after, MulticallBlock.ENTRIES_OFFSET + MulticallEntry.RESULT_OFFSET)).isEqualTo(
                org.xencommlab.guest.testing.TestingMachine.VERSION);
    }

    @Test
    void aMulticallEntryWordOutsideTheBlockIsRefusedNotPassedOn() {
        byte[] text = "nested".getBytes(StandardCharsets.US_ASCII);
        long address = tool.mmapAnonymous(4096);
        int[] length = new int[1];
        long[] args = prepare(MulticallRequest.of(PlainCall.of(HypercallNumber.XEN_VERSION, 0, 0), new ConsoleWriteRequest(text)), address, length);
        int word = MulticallBlock.ENTRIES_OFFSET + MulticallEntry.SIZE + MulticallEntry.ARGS_OFFSET + 16;
        byte[] forged = new byte[8];
        LittleEndian.putU64(forged, 0, (1L << 63) | 0x1000); // a kernel-style inline reference, forged by the tool
        tool.writeMemory(address + word, forged, 0, 8);
        int blocks = kernel.kernelBlocksLive();
        long hypercalls = machine.hypercalls();

        assertThat(file.hypercall(HypercallNumber.MULTICALL, args)).isEqualTo(XenErrno.EINVAL.asResult());
        assertThat(machine.hypercalls()).as("nothing reached the hypervisor").isEqualTo(hypercalls);
        assertThat(kernel.kernelBlocksLive()).isEqualTo(blocks);
        assertThat(machine.console(0)).isEmpty();
    }

    @Test
    void badInputIsAnErrnoAndLeavesNoKernelBlock() {
        long address = tool.mmapAnonymous(4096);
        int blocks = kernel.kernelBlocksLive();
        long hypercalls = machine.hypercalls();
        long[] write = {SubOps.ConsoleIo.WRITE, 4, address};
        assertThat(file.hypercall(HypercallNumber.CONSOLE_IO, write)).as("a header of 0 bytes").isEqualTo(XenErrno.EINVAL.asResult());
        byte[] header = new byte[EmbeddedBlockHeader.SIZE];
        LittleEndian.putU32(header, EmbeddedBlockHeader.LENGTH_OFFSET, EmbeddedBlockHeader.DEFAULT_MAX_BLOCK + 8);
        tool.writeMemory(address, header, 0, header.length);
        assertThat(file.hypercall(HypercallNumber.CONSOLE_IO, write)).as("above the maximum block").isEqualTo(XenErrno.E2BIG.asResult());
        long unmapped = address + 64 * 4096;
        assertThat(file.hypercall(HypercallNumber.CONSOLE_IO, SubOps.ConsoleIo.WRITE, 4, unmapped)).isEqualTo(XenErrno.EFAULT.asResult());
        LittleEndian.putU32(header, EmbeddedBlockHeader.LENGTH_OFFSET, 64);
        long twoPages = tool.mmapAnonymous(2 * 4096);
        tool.munmap(twoPages + 4096, 4096);
        long nearEnd = twoPages + 4096 - header.length;
        tool.writeMemory(nearEnd, header, 0, header.length);
        assertThat(file.hypercall(HypercallNumber.CONSOLE_IO, SubOps.ConsoleIo.WRITE, 4, nearEnd))
                .as("a block running past the tool's mapping").isEqualTo(XenErrno.EFAULT.asResult());
        assertThat(machine.hypercalls()).as("nothing reached the hypervisor").isEqualTo(hypercalls);
        assertThat(kernel.kernelBlocksLive()).isEqualTo(blocks);
        file.close();
        assertThat(file.hypercall(HypercallNumber.CONSOLE_IO, write)).isEqualTo(XenErrno.EBADF.asResult());
    }

    @Test
    void aCallThatNamesNoMemoryPassesUnchanged() {
        int blocks = kernel.kernelBlocksLive();
        assertThat(file.hypercall(HypercallNumber.XEN_VERSION, SubOps.XenVersion.VERSION, 0))
                .isEqualTo(org.xencommlab.guest.testing.TestingMachine.VERSION);
        assertThat(kernel.kernelBlocksLive()).isEqualTo(blocks);
    }

    @Test
    void aForgedBlockReachesTheHypervisorWhichRefusesIt() {
        long address = tool.mmapAnonymous(4096);
        byte[] forged = new byte[64];
        LittleEndian.putU32(forged, EmbeddedBlockHeader.LENGTH_OFFSET, 64); // a length, and no magic
        tool.writeMemory(address, forged, 0, 64);
        long hypercalls = machine.hypercalls();
        long result = file.hypercall(HypercallNumber.CONSOLE_IO, SubOps.ConsoleIo.WRITE, 4, address);
        assertThat(result).isEqualTo(XenErrno.EINVAL.asResult());
        assertThat(machine.hypercalls()).isEqualTo(hypercalls + 1);
        assertThat(machine.console(0)).isEmpty();
    }
}
