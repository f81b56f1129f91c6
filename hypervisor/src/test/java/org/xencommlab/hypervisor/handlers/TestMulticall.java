package org.xencommlab.hypervisor.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xencommlab.api.abi.ArgumentStrategy;
import org.xencommlab.api.abi.HypercallRequest;
import org.xencommlab.api.abi.PlainCall;
import org.xencommlab.api.abi.PreparedCall;
import org.xencommlab.api.abi.console.ConsoleWriteRequest;
import org.xencommlab.api.abi.layout.AbiForm;
import org.xencommlab.api.abi.layout.LittleEndian;
import org.xencommlab.api.abi.memory.ReservationOutcome;
import org.xencommlab.api.abi.memory.ReservationRequest;
import org.xencommlab.api.abi.multicall.MulticallBlock;
import org.xencommlab.api.abi.multicall.MulticallEntry;
import org.xencommlab.api.abi.multicall.MulticallOutcome;
import org.xencommlab.api.abi.multicall.MulticallRequest;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.hypercall.SubOps.MemoryOp;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.hypervisor.HypervisorConfig;
import org.xencommlab.hypervisor.TestingGuestCalls;
import org.xencommlab.hypervisor.TestingMachine;
import org.xencommlab.hypervisor.TestingPlacement;
import org.xencommlab.hypervisor.domain.DomainSpec;

/** multicall in both argument forms: one copy per entry, only results written, nesting refused, continuations. */
final class TestMulticall {
    private static final int PAGE = 4096;
    private static final int SELF = ReservationRequest.DOMID_SELF;

    private TestingMachine m;
    private TestingPlacement placement;
    private TestingGuestCalls dom0;

    static List<ArgumentStrategy> strategies() {
        return TestingGuestCalls.strategies();
    }

    private void boot(ArgumentStrategy strategy, int polls) {
        m = new TestingMachine(HypervisorConfig.defaults().withMachineMemoryBytes(16L << 20).withPreemptionPolls(polls), strategy);
        m.hypervisor.createDomain(new DomainSpec(0, true, 1, 256L * PAGE, 512L * PAGE));
        placement = new TestingPlacement(m.entry.physicalMemory(0), PAGE, 15L * PAGE);
        dom0 = new TestingGuestCalls(m, 0, placement);
    }

    @AfterEach
    void auditIsExact() {
        assertThat(m.hypervisor.audit()).isEmpty();
        assertThat(m.entry.containedFailures()).isZero();
    }

    private byte[] window() {
        byte[] bytes = new byte[(int) placement.used()];
        TestingPlacement.read(m.entry.physicalMemory(0), PAGE, bytes, 0, bytes.length);
        return bytes;
    }

    private static long listBase(ArgumentStrategy strategy, long[] args) {
        return args[0] + (strategy.form() == AbiForm.POINTER ? 0 : MulticallBlock.ENTRIES_OFFSET);
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void runsEachEntryThroughTheTableAndWritesBackOnlyResults(ArgumentStrategy strategy) {
        boot(strategy, 64);
        byte[] hello = "hello from a multicall\n".getBytes(StandardCharsets.US_ASCII);
        List<HypercallRequest<?>> calls = List.of(
                PlainCall.of(HypercallNumber.XEN_VERSION, 0),
                new ConsoleWriteRequest(hello),
                new ReservationRequest(MemoryOp.DECREASE_RESERVATION, new long[] {100, 101, 300}, 0, 0, SELF),
                PlainCall.of(HypercallNumber.MULTICALL, 0, 0),
                PlainCall.of(99),
                MulticallRequest.of(PlainCall.of(HypercallNumber.XEN_VERSION, 0)));
        PreparedCall<MulticallOutcome> call = dom0.prepare(new MulticallRequest(calls));
        byte[] before = window();
        long result = m.entry.hypercall(0, 0, call.op(), call.args());
        assertThat(result).isZero();
        MulticallOutcome out = call.complete(result);
        assertThat(out.entries()).extracting(MulticallOutcome.Entry::result).containsExactly(
                0x40013L, 0L, 2L, XenErrno.EINVAL.asResult(), XenErrno.ENOSYS.asResult(), XenErrno.EINVAL.asResult());
        assertThat(m.console.output(0)).isEqualTo(hello);
        assertThat(m.domains.lookup(0).totPages()).isEqualTo(254);
        assertThat(m.metrics.get(Counter.HYPERCALLS)).isEqualTo(1);
        assertThat(m.metrics.errors(XenErrno.EINVAL)).isEqualTo(2);

        byte[] after = window();
        long list = listBase(strategy, call.args()) - PAGE;
        for (int i = 0; i < calls.size(); i++) {
            int result0 = (int) list + i * MulticallEntry.SIZE + MulticallEntry.RESULT_OFFSET;
            Arrays.fill(before, result0, result0 + 8, (byte) 0);
            Arrays.fill(after, result0, result0 + 8, (byte) 0);
        }
        assertThat(after).as("nothing but the result words changed").isEqualTo(before);
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void aLongMulticallAndPreemptedSubCallsContinueWithoutRepeatingWork(ArgumentStrategy strategy) {
        boot(strategy, 1);
        byte[] text = new byte[1000];
        Arrays.fill(text, (byte) 'x');
        List<HypercallRequest<?>> calls = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            calls.add(PlainCall.of(HypercallNumber.XEN_VERSION, 0));
        }
        calls.add(new ConsoleWriteRequest(text));
        calls.add(new ReservationRequest(MemoryOp.DECREASE_RESERVATION, java.util.stream.LongStream.range(100, 110).toArray(), 0, 0, SELF));
        calls.add(ReservationRequest.increase(4, 0, SELF));
        MulticallOutcome out = dom0.issue(new MulticallRequest(calls));
        assertThat(out.result()).isZero();
        assertThat(out.entries()).extracting(MulticallOutcome.Entry::result)
                .containsExactly(0x40013L, 0x40013L, 0x40013L, 0x40013L, 0x40013L, 0L, 10L, 4L);
        assertThat(((ReservationOutcome) out.entries().get(7).outcome()).extents())
                .as("a translated domain: nothing written back").containsExactly(0, 0, 0, 0);
        assertThat(m.console.output(0)).isEqualTo(text);
        assertThat(m.domains.lookup(0).totPages()).isEqualTo(250);
        assertThat(m.metrics.get(Counter.EXTENTS_DONE)).isEqualTo(14);
        assertThat(m.metrics.get(Counter.HYPERCALLS)).isEqualTo(1);
        assertThat(m.metrics.get(Counter.CONTINUATIONS)).as("the list and the sub-calls were preempted").isGreaterThan(8);
        assertThat(m.trace.events(org.xencommlab.api.trace.TraceKind.CONTINUATION))
                .allSatisfy(e -> assertThat(e.detail()).startsWith("multicall("));
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void aBadListIsRefusedAndRunsNothing(ArgumentStrategy strategy) {
        boot(strategy, 64);
        PreparedCall<MulticallOutcome> call = dom0.prepare(MulticallRequest.of(
                new ReservationRequest(MemoryOp.DECREASE_RESERVATION, new long[] {100}, 0, 0, SELF)));
        long[] args = call.args();
        assertThat(m.entry.hypercall(0, 0, HypercallNumber.MULTICALL, 1L << 40, 1)).isEqualTo(XenErrno.EFAULT.asResult());
        if (strategy.form() == AbiForm.EMBEDDED) {
            // The lab's embedded form resumes at the entry in its third word.
            assertThat(m.entry.hypercall(0, 0, HypercallNumber.MULTICALL, args[0], 1, 2)).as("resume past the end")
                    .isEqualTo(XenErrno.EINVAL.asResult());
            assertThat(m.entry.hypercall(0, 0, HypercallNumber.MULTICALL, args[0], 1, 1)).as("resume at the end: nothing left").isZero();
            assertThat(m.entry.hypercall(0, 0, HypercallNumber.MULTICALL, args[0], 2)).as("nr_calls not the block's")
                    .isEqualTo(XenErrno.EINVAL.asResult());
            assertThat(m.entry.hypercall(0, 0, HypercallNumber.MULTICALL, args[0], 100)).as("beyond one block")
                    .isEqualTo(XenErrno.E2BIG.asResult());
            byte[] word = new byte[4];
            LittleEndian.putU32(word, 0, 24);
            TestingPlacement.write(m.entry.physicalMemory(0), args[0] + 8, word, 0, 4);
            assertThat(m.entry.hypercall(0, 0, HypercallNumber.MULTICALL, args)).as("truncated block").isEqualTo(XenErrno.EINVAL.asResult());
        } else {
            // The list's end lies beyond dom0's memory: the first entry runs, the second cannot be read.
            byte[] entry = MulticallEntry.of(HypercallNumber.XEN_VERSION, 0).encode();
            long list = 256L * PAGE - MulticallEntry.SIZE;
            TestingPlacement.write(m.entry.physicalMemory(0), list, entry, 0, entry.length);
            assertThat(m.entry.hypercall(0, 0, HypercallNumber.MULTICALL, list, 2)).isEqualTo(XenErrno.EFAULT.asResult());
            byte[] result = new byte[8];
            m.entry.physicalMemory(0).read(list + MulticallEntry.RESULT_OFFSET, result, 0, 8);
            assertThat(LittleEndian.u64(result, 0)).isEqualTo(0x40013L);
        }
        assertThat(m.domains.lookup(0).totPages()).isEqualTo(256);
    }

    /**
     * Xen's do_multicall(call_list, nr_calls) reads no third word, and continues with
     * (call_list + i, nr_calls - i): the pointer form does the same.
     */
    @Test
    void thePointerFormContinuesAsXenDoesAndIgnoresAThirdWord() {
        ArgumentStrategy pointer = strategies().stream().filter(s -> s.form() == AbiForm.POINTER).findFirst().orElseThrow();
        boot(pointer, 1);
        PreparedCall<MulticallOutcome> call = dom0.prepare(MulticallRequest.of(PlainCall.of(HypercallNumber.XEN_VERSION, 0),
                PlainCall.of(HypercallNumber.XEN_VERSION, 0), PlainCall.of(HypercallNumber.XEN_VERSION, 0)));
        long[] args = call.args();
        long result = m.entry.hypercall(0, 0, HypercallNumber.MULTICALL, args[0], args[1], 7);
        assertThat(result).as("a stray third word").isZero();
        assertThat(call.complete(result).entries()).extracting(MulticallOutcome.Entry::result)
                .containsExactly(0x40013L, 0x40013L, 0x40013L);
        assertThat(m.trace.events(org.xencommlab.api.trace.TraceKind.CONTINUATION)).extracting(e -> e.detail())
                .containsExactly("multicall(0x" + Long.toHexString(args[0] + 2 * MulticallEntry.SIZE) + ", 0x1, 0x0, 0x0, 0x0)");
    }
}
