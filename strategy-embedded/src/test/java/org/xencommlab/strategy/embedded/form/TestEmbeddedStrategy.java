package org.xencommlab.strategy.embedded.form;

import org.xencommlab.strategy.pointer.form.PointerStrategy;
import org.xencommlab.api.abi.dmop.DmOpArguments;
import org.xencommlab.api.abi.sysctl.GetDomainInfoListArguments;
import org.xencommlab.api.abi.console.ConsoleIoArguments;
import org.xencommlab.api.abi.multicall.MulticallArguments;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.abi.HypercallRequest;
import org.xencommlab.api.abi.PlainCall;
import org.xencommlab.api.abi.PreparedCall;
import org.xencommlab.testkit.memory.TestingGuestMemory;
import org.xencommlab.testkit.errno.XenErrors;
import org.xencommlab.api.abi.console.ConsoleWriteRequest;
import org.xencommlab.api.abi.layout.EmbeddedBlockHeader;
import org.xencommlab.api.abi.layout.LittleEndian;
import org.xencommlab.api.abi.memory.ReservationArguments;
import org.xencommlab.api.abi.memory.ReservationBlock;
import org.xencommlab.api.abi.memory.ReservationOutcome;
import org.xencommlab.api.abi.memory.ReservationRequest;
import org.xencommlab.api.abi.multicall.MulticallRequest;
import org.xencommlab.api.abi.sysctl.GetDomainInfoListRequest;
import org.xencommlab.api.abi.sysctl.SysctlBlock;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.memory.MemoryReference;

final class TestEmbeddedStrategy {
    private final EmbeddedStrategy strategy = new EmbeddedStrategy();
    private final TestingGuestMemory memory = new TestingGuestMemory();

    @Test
    void onePageHolds507Extents() {
        assertThat(ReservationBlock.maxExtents(4096)).isEqualTo(507);
        assertThat(SysctlBlock.maxDomains(4096)).isEqualTo(36);
        assertThat(strategy.maxBlock()).isEqualTo(4096);
    }

    @Test
    void aRequestBeyondOneBlockIsE2bigAndPlacedNowhere() {
        ReservationRequest big = ReservationRequest.increase(508, 0, ReservationRequest.DOMID_SELF);
        assertThat(XenErrors.errnoOf(() -> strategy.prepare(memory, big))).isEqualTo(XenErrno.E2BIG);
        assertThat(XenErrors.errnoOf(() -> strategy.prepare(memory, new ConsoleWriteRequest(new byte[4081])))).isEqualTo(XenErrno.E2BIG);
        assertThat(XenErrors.errnoOf(() -> strategy.prepare(memory, new GetDomainInfoListRequest(0, 40)))).isEqualTo(XenErrno.E2BIG);
        assertThat(memory.bytesWritten()).isZero();
    }

    @Test
    void aBalloonOf100000PagesSplitsIntoBlocksThatEachFit() {
        ReservationRequest balloon = ReservationRequest.increase(100_000, 0, ReservationRequest.DOMID_SELF);
        List<HypercallRequest<ReservationOutcome>> parts = strategy.split(balloon);
        assertThat(parts).hasSize((100_000 + 506) / 507);
        assertThat(parts.stream().mapToInt(p -> ((ReservationRequest) p).nrExtents()).sum()).isEqualTo(100_000);
        PreparedCall<ReservationOutcome> last = strategy.prepare(memory, parts.get(parts.size() - 1));
        assertThat(strategy.decode(ReservationArguments.KIND, memory, last.args()).reservation().nrExtents()).isEqualTo(100_000 % 507);
        assertThat(new PointerStrategy().split(balloon)).hasSize(1);
    }

    @Test
    void theHypervisorReadsEachByteOfABlockOnce() {
        PreparedCall<ReservationOutcome> call = strategy.prepare(memory,
                new ReservationRequest(1, new long[] {5, 6, 7}, 0, 0, ReservationRequest.DOMID_SELF));
        ReservationArguments args = strategy.decode(ReservationArguments.KIND, memory, call.args());
        assertThat(memory.bytesRead()).isEqualTo(40 + 3 * 8);
        assertThat(args.readExtent(2)).isEqualTo(7);
        assertThat(memory.bytesRead()).as("extents come from the copy").isEqualTo(64);
    }

    @Test
    void aTruncatedAnOversizedAndAForeignBlockAreRefused() {
        byte[] block = ReservationBlock.encode(new ReservationRequest(1, new long[] {1, 2}, 0, 0, 0));
        byte[] truncated = block.clone();
        LittleEndian.putU32(truncated, EmbeddedBlockHeader.LENGTH_OFFSET, block.length - 8);
        byte[] oversized = block.clone();
        LittleEndian.putU32(oversized, EmbeddedBlockHeader.LENGTH_OFFSET, 8192);
        byte[] foreign = block.clone();
        LittleEndian.putU16(foreign, EmbeddedBlockHeader.KIND_OFFSET, 3);
        assertThat(XenErrors.errnoOf(() -> strategy.decode(ReservationArguments.KIND, memory, new long[] {1, memory.map(truncated)}))).isEqualTo(XenErrno.EINVAL);
        assertThat(XenErrors.errnoOf(() -> strategy.decode(ReservationArguments.KIND, memory, new long[] {1, memory.map(oversized)}))).isEqualTo(XenErrno.E2BIG);
        assertThat(XenErrors.errnoOf(() -> strategy.decode(ReservationArguments.KIND, memory, new long[] {1, memory.map(foreign)}))).isEqualTo(XenErrno.EINVAL);
        assertThat(XenErrors.errnoOf(() -> strategy.decode(ReservationArguments.KIND, memory, new long[] {1, 0xdead_0000L}))).isEqualTo(XenErrno.EFAULT);
    }

    @Test
    void aBlockWhoseLengthExceedsWhatTheGuestMappedFaults() {
        byte[] block = ReservationBlock.encode(new ReservationRequest(1, new long[] {1, 2}, 0, 0, 0));
        long address = memory.map(java.util.Arrays.copyOf(block, 20));
        assertThat(XenErrors.errnoOf(() -> strategy.decode(ReservationArguments.KIND, memory, new long[] {1, address}))).isEqualTo(XenErrno.EFAULT);
    }

    @Test
    void aNestedMulticallIsEncodedInOnePlacement() {
        PreparedCall<?> call = strategy.prepare(memory, MulticallRequest.of(
                MulticallRequest.of(PlainCall.of(HypercallNumber.XEN_VERSION)),
                new ReservationRequest(6, new long[] {9}, 0, 0, 0)));
        var list = strategy.decode(MulticallArguments.KIND, memory, call.args());
        assertThat(list.readEntry(0).isNested()).isTrue();
        var inner = strategy.decode(MulticallArguments.KIND, memory, java.util.Arrays.copyOf(list.readEntry(0).args(), 5));
        assertThat(inner.readEntry(0).op()).isEqualTo(HypercallNumber.XEN_VERSION);
        var reservation = strategy.decode(ReservationArguments.KIND, memory, java.util.Arrays.copyOf(list.readEntry(1).args(), 5));
        assertThat(reservation.readExtent(0)).isEqualTo(9);
    }

    @Test
    void maxBlockIsChecked() {
        assertThatThrownBy(() -> new EmbeddedStrategy(100)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EmbeddedStrategy(4100)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EmbeddedStrategy(2 << 20)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new EmbeddedStrategy(256).maxBlock()).isEqualTo(256);
    }

    @Test
    void anEmbeddedDmOpPassesExactlyOneBlock() {
        assertThat(XenErrors.errnoOf(() -> strategy.decode(DmOpArguments.KIND, memory, new long[] {1, 2, 0}))).isEqualTo(XenErrno.EINVAL);
        assertThat(XenErrors.errnoOf(() -> new PointerStrategy().decode(DmOpArguments.KIND, memory, new long[] {1, 3, 0}))).isEqualTo(XenErrno.E2BIG);
        assertThat(XenErrors.errnoOf(() -> new PointerStrategy().decode(DmOpArguments.KIND, memory, new long[] {1, 0, 0}).readOp())).isEqualTo(XenErrno.EFAULT);
    }

    @Test
    void consoleAndSysctlRefusalsFollowXen() {
        PointerStrategy pointer = new PointerStrategy();
        assertThat(XenErrors.errnoOf(() -> pointer.decode(ConsoleIoArguments.KIND, memory, new long[] {7, 0, 0}))).isEqualTo(XenErrno.ENOSYS);
        assertThat(XenErrors.errnoOf(() -> pointer.decode(ConsoleIoArguments.KIND, memory, new long[] {1, 0x8000_0000L, 0}))).isEqualTo(XenErrno.E2BIG);
        assertThat(XenErrors.errnoOf(() -> pointer.decode(ConsoleIoArguments.KIND, memory, new long[] {0, 5, 0, 6}))).isEqualTo(XenErrno.EINVAL);
        assertThat(XenErrors.errnoOf(() -> strategy.decode(ConsoleIoArguments.KIND, memory, new long[] {0, 5000, 0}))).isEqualTo(XenErrno.E2BIG);
        byte[] sysctl = new org.xencommlab.api.abi.sysctl.SysctlGetDomainInfoList(6, 0x13, 0, 1, 0, 0).encodePointer();
        assertThat(XenErrors.errnoOf(() -> pointer.decode(GetDomainInfoListArguments.KIND, memory, new long[] {memory.map(sysctl)}))).isEqualTo(XenErrno.EACCES);
        assertThat(XenErrors.errnoOf(() -> pointer.decode(ReservationArguments.KIND, memory, new long[] {11, 0}))).isEqualTo(XenErrno.ENOSYS);
        assertThat(new MemoryReference(0).isNull()).isTrue();
    }

    @Test
    void embeddedArgumentsNameNoUserMemory() {
        TestingGuestMemory memory = new TestingGuestMemory();
        assertThat(strategy.handleSites().find(HypercallNumber.CONSOLE_IO, new long[] {0, 5, 0x1000}, memory.reader()))
                .as("embedded arguments never name user memory").contains(List.of());
    }
}
