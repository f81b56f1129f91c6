package org.xencommlab.strategy.embedded.form;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.abi.ArgumentPlacement;
import org.xencommlab.api.abi.PlainCall;
import org.xencommlab.api.abi.PreparedCall;
import org.xencommlab.api.abi.UserCall;
import org.xencommlab.api.abi.UserCallKernel;
import org.xencommlab.testkit.errno.XenErrors;
import org.xencommlab.api.abi.console.ConsoleWriteRequest;
import org.xencommlab.api.abi.layout.EmbeddedBlockHeader;
import org.xencommlab.api.abi.layout.LittleEndian;
import org.xencommlab.api.abi.multicall.MulticallBlock;
import org.xencommlab.api.abi.multicall.MulticallEntry;
import org.xencommlab.api.abi.multicall.MulticallRequest;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.hypercall.SubOps;
import org.xencommlab.api.memory.MemoryReference;

/**
 * The embedded strategy's kernel part against a kernel that the test controls: a tool whose memory
 * changes between the strategy's sizing reads and the kernel's copy (another thread of the tool)
 * never gets a block past the kernel's copy to the hypervisor.
 */
final class TestCarryUserCall {
    private static final long USER = 0x4000_0000L;
    private static final long KERNEL = 0xFFFF_8000_0000_0000L;

    private final EmbeddedStrategy strategy = new EmbeddedStrategy();

    /** A tool's memory at {@link #USER}, and a kernel whose copies may see other bytes than its reads did. */
    private static final class Kernel implements UserCallKernel {
        byte[] memory = new byte[8192];
        byte[] copiedFrom;
        final List<byte[]> copies = new ArrayList<>();

        @Override
        public void readUser(long userAddress, byte[] dst, int dstOffset, int length) {
            int at = offset(userAddress, length);
            System.arraycopy(memory, at, dst, dstOffset, length);
        }

        @Override
        public KernelCopy copyFromUser(long userAddress, int length) {
            int at = offset(userAddress, length);
            byte[] source = copiedFrom == null ? memory : copiedFrom;
            byte[] block = Arrays.copyOfRange(source, at, at + length);
            copies.add(block);
            return new KernelCopy() {
                @Override
                public long userAddress() {
                    return userAddress;
                }

                @Override
                public void copyToUser() {
                    System.arraycopy(block, 0, memory, at, block.length);
                }

                @Override
                public MemoryReference reference() {
                    return referenceAt(0);
                }

                @Override
                public MemoryReference referenceAt(int offset) {
                    return new MemoryReference(KERNEL + offset);
                }

                @Override
                public int length() {
                    return block.length;
                }

                @Override
                public void write(int offset, byte[] src, int srcOffset, int n) {
                    System.arraycopy(src, srcOffset, block, offset, n);
                }

                @Override
                public void read(int offset, byte[] dst, int dstOffset, int n) {
                    System.arraycopy(block, offset, dst, dstOffset, n);
                }
            };
        }

        private int offset(long userAddress, int length) {
            long at = userAddress - USER;
            if (at < 0 || at + length > memory.length) {
                throw new XenException(XenErrno.EFAULT, "unmapped");
            }
            return (int) at;
        }
    }

    /** Prepares {@code request} into the tool's memory at {@link #USER}, as the library does. */
    private long[] prepare(Kernel kernel, org.xencommlab.api.abi.HypercallRequest<?> request) {
        ArgumentPlacement placement = (src, offset, n) -> {
            System.arraycopy(src, offset, kernel.memory, 0, n);
            return new ArgumentPlacement.Placed() {
                @Override
                public MemoryReference reference() {
                    return new MemoryReference(USER);
                }

                @Override
                public MemoryReference referenceAt(int at) {
                    return new MemoryReference(USER + at);
                }

                @Override
                public int length() {
                    return n;
                }

                @Override
                public void write(int at, byte[] bytes, int bytesOffset, int count) {
                    System.arraycopy(bytes, bytesOffset, kernel.memory, at, count);
                }

                @Override
                public void read(int at, byte[] dst, int dstOffset, int count) {
                    System.arraycopy(kernel.memory, at, dst, dstOffset, count);
                }
            };
        };
        PreparedCall<?> call = strategy.prepare(placement, request);
        return call.args();
    }

    private static MulticallRequest twoCalls() {
        return MulticallRequest.of(PlainCall.of(HypercallNumber.XEN_VERSION, SubOps.XenVersion.VERSION, 0),
                new ConsoleWriteRequest("nested".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void aMulticallAndItsSubBlockAreCopiedOnceAndTheirWordsNameTheKernelCopy() {
        Kernel kernel = new Kernel();
        long[] args = prepare(kernel, twoCalls());
        int word = MulticallBlock.ENTRIES_OFFSET + MulticallEntry.SIZE + MulticallEntry.ARGS_OFFSET + 16;
        long toolsWord = LittleEndian.u64(kernel.memory, word);

        UserCall carried = strategy.carryUserCall(kernel, HypercallNumber.MULTICALL, args);

        assertThat(kernel.copies).hasSize(1);
        byte[] copy = kernel.copies.get(0);
        assertThat(carried.args()[0]).isEqualTo(KERNEL);
        assertThat(LittleEndian.u64(copy, word)).isEqualTo(KERNEL + (toolsWord - USER));
        assertThat(LittleEndian.u64(copy, MulticallBlock.ENTRIES_OFFSET + MulticallEntry.ARGS_OFFSET + 8))
                .as("xen_version's NULL word is not a sub-block").isZero();
        carried.completion().run();
        assertThat(LittleEndian.u64(kernel.memory, word)).as("the tool gets its own word back").isEqualTo(toolsWord);
    }

    @Test
    void aSubBlockThatGrowsAfterSizingIsRefusedOnTheKernelsCopy() {
        Kernel kernel = new Kernel();
        long[] args = prepare(kernel, twoCalls());
        int word = MulticallBlock.ENTRIES_OFFSET + MulticallEntry.SIZE + MulticallEntry.ARGS_OFFSET + 16;
        int sub = (int) (LittleEndian.u64(kernel.memory, word) - USER);
        kernel.copiedFrom = kernel.memory.clone();
        LittleEndian.putU32(kernel.copiedFrom, sub + EmbeddedBlockHeader.LENGTH_OFFSET, 2048);

        assertThat(XenErrors.errnoOf(() -> strategy.carryUserCall(kernel, HypercallNumber.MULTICALL, args))).isEqualTo(XenErrno.EINVAL);
    }

    @Test
    void aBlockThatGrowsAfterSizingIsRefusedOnTheKernelsCopy() {
        Kernel kernel = new Kernel();
        long[] args = prepare(kernel, new ConsoleWriteRequest(new byte[40]));
        kernel.copiedFrom = kernel.memory.clone();
        LittleEndian.putU32(kernel.copiedFrom, EmbeddedBlockHeader.LENGTH_OFFSET, 4096);

        assertThat(XenErrors.errnoOf(() -> strategy.carryUserCall(kernel, HypercallNumber.CONSOLE_IO, args))).isEqualTo(XenErrno.EINVAL);
    }

    @Test
    void anEntryWordOutsideTheToolsBlockIsRefused() {
        Kernel kernel = new Kernel();
        long[] args = prepare(kernel, twoCalls());
        int word = MulticallBlock.ENTRIES_OFFSET + MulticallEntry.SIZE + MulticallEntry.ARGS_OFFSET + 16;
        LittleEndian.putU64(kernel.memory, word, USER - 64);

        assertThat(XenErrors.errnoOf(() -> strategy.carryUserCall(kernel, HypercallNumber.MULTICALL, args))).isEqualTo(XenErrno.EINVAL);
        assertThat(kernel.copies).isEmpty();
    }

    @Test
    void callsWithoutABlockPassUnchanged() {
        Kernel kernel = new Kernel();
        long[] version = {SubOps.XenVersion.VERSION, 0};
        assertThat(strategy.carryUserCall(kernel, HypercallNumber.XEN_VERSION, version).args()).containsExactly(version);
        long[] unknown = {1, 2, 3};
        assertThat(strategy.carryUserCall(kernel, 99, unknown).args()).containsExactly(unknown);
        long[] nullBlock = {SubOps.ConsoleIo.WRITE, 4, 0};
        assertThat(strategy.carryUserCall(kernel, HypercallNumber.CONSOLE_IO, nullBlock).args()).containsExactly(nullBlock);
        assertThat(kernel.copies).isEmpty();
    }
}
