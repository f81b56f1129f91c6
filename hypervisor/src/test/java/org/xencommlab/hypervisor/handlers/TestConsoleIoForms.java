package org.xencommlab.hypervisor.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xencommlab.api.abi.ArgumentStrategy;
import org.xencommlab.api.abi.PreparedCall;
import org.xencommlab.api.abi.console.ConsoleIo;
import org.xencommlab.api.abi.console.ConsoleReadOutcome;
import org.xencommlab.api.abi.console.ConsoleReadRequest;
import org.xencommlab.api.abi.console.ConsoleWriteRequest;
import org.xencommlab.api.abi.layout.AbiForm;
import org.xencommlab.api.abi.layout.EmbeddedBlockHeader;
import org.xencommlab.api.abi.layout.LittleEndian;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.hypervisor.HypervisorConfig;
import org.xencommlab.hypervisor.TestingGuestCalls;
import org.xencommlab.hypervisor.TestingMachine;
import org.xencommlab.hypervisor.TestingPlacement;
import org.xencommlab.hypervisor.domain.DomainSpec;

/** console_io through the strategy in both forms: chunked writes and reads with continuation, bad blocks. */
final class TestConsoleIoForms {
    private static final int PAGE = 4096;

    private TestingMachine m;
    private TestingGuestCalls dom1;

    static List<ArgumentStrategy> strategies() {
        return TestingGuestCalls.strategies();
    }

    private void boot(ArgumentStrategy strategy, int polls) {
        m = new TestingMachine(HypervisorConfig.defaults().withMachineMemoryBytes(8L << 20).withPreemptionPolls(polls)
                .withConsoleAccess(HypervisorConfig.ConsoleAccess.OPEN), strategy);
        m.hypervisor.createDomain(DomainSpec.dom0(8L * PAGE));
        m.hypervisor.createDomain(DomainSpec.guest(1, 8L * PAGE));
        dom1 = new TestingGuestCalls(m, 1, new TestingPlacement(m.entry.physicalMemory(1), 100, 7L * PAGE));
    }

    @AfterEach
    void auditIsExact() {
        assertThat(m.hypervisor.audit()).isEmpty();
        assertThat(m.entry.containedFailures()).isZero();
    }

    private static byte[] text(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) ('a' + i % 26);
        }
        return bytes;
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void aLongWriteIsSplitByTheCallerIfNeededAndContinuedByTheHypervisor(ArgumentStrategy strategy) {
        boot(strategy, 2);
        byte[] data = text(10_000);
        List<Long> results = dom1.issueSplit(new ConsoleWriteRequest(data));
        assertThat(results).containsOnly(0L).hasSize(strategy.form() == AbiForm.POINTER ? 1 : 3);
        assertThat(m.console.output(1)).isEqualTo(data);
        assertThat(m.metrics.get(Counter.CONTINUATIONS)).isPositive();
        String first = m.trace.events(org.xencommlab.api.trace.TraceKind.CONTINUATION).get(0).detail();
        if (strategy.form() == AbiForm.POINTER) {
            assertThat(first).as("Xen's (CONSOLEIO_write, count - done, buffer + done)").startsWith("console_io(0x0, 0x2593, ")
                    .endsWith(", 0x0, 0x0)");
        } else {
            assertThat(first).as("the lab's embedded (cmd, count, block, done): the block and count stay").contains(", 0x17d, 0x0)");
        }
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void readsInChunksWithoutContinuationAndAFaultPutsTheChunkBack(ArgumentStrategy strategy) {
        boot(strategy, 1);
        byte[] input = text(700);
        m.console.feedInput(1, input);
        ConsoleReadOutcome first = dom1.issue(new ConsoleReadRequest(500));
        assertThat(first.result()).isEqualTo(500);
        assertThat(first.bytes()).isEqualTo(Arrays.copyOf(input, 500));
        assertThat(m.metrics.get(Counter.CONTINUATIONS)).as("Xen's read has no continuation").isZero();
        ConsoleReadOutcome rest = dom1.issue(new ConsoleReadRequest(500));
        assertThat(rest.bytes()).isEqualTo(Arrays.copyOfRange(input, 500, 700));
        assertThat(dom1.issue(new ConsoleReadRequest(10)).result()).isZero();

        m.console.feedInput(1, text(3));
        assertThat(m.entry.hypercall(1, 0, HypercallNumber.CONSOLE_IO, 1, 3, 8L * PAGE - 1)).isEqualTo(XenErrno.EFAULT.asResult());
        assertThat(m.console.pendingInput(1)).as("undelivered input stays").isEqualTo(3);
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void badWordsAndBlocksAreRefusedAndWriteNothing(ArgumentStrategy strategy) {
        boot(strategy, 64);
        PreparedCall<Long> call = dom1.prepare(new ConsoleWriteRequest(text(40)));
        long[] args = call.args();
        assertThat(m.entry.hypercall(1, 0, HypercallNumber.CONSOLE_IO, 5, args[1], args[2])).isEqualTo(XenErrno.ENOSYS.asResult());
        if (strategy.form() == AbiForm.EMBEDDED) {
            assertThat(m.entry.hypercall(1, 0, HypercallNumber.CONSOLE_IO, args[0], args[1], args[2], 41)).as("done beyond count")
                    .isEqualTo(XenErrno.EINVAL.asResult());
            assertThat(m.entry.hypercall(1, 0, HypercallNumber.CONSOLE_IO, args[0], 39, args[2])).as("count not the block's")
                    .isEqualTo(XenErrno.EINVAL.asResult());
            assertThat(m.entry.hypercall(1, 0, HypercallNumber.CONSOLE_IO, args[0], 5000, args[2])).as("beyond one block")
                    .isEqualTo(XenErrno.E2BIG.asResult());
            byte[] word = new byte[4];
            LittleEndian.putU32(word, 0, 8192);
            TestingPlacement.write(m.entry.physicalMemory(1), args[2] + EmbeddedBlockHeader.LENGTH_OFFSET, word, 0, 4);
            assertThat(m.entry.hypercall(1, 0, HypercallNumber.CONSOLE_IO, args)).as("oversized header").isEqualTo(XenErrno.E2BIG.asResult());
            assertThat(ConsoleIo.maxBytes(4096)).isEqualTo(4080);
        } else {
            assertThat(m.entry.hypercall(1, 0, HypercallNumber.CONSOLE_IO, args[0], 200, 8L * PAGE - 100)).as("runs off the domain")
                    .isEqualTo(XenErrno.EFAULT.asResult());
        }
        assertThat(m.console.output(1)).as("a refused or faulting first chunk appends nothing").isEmpty();
    }
}
