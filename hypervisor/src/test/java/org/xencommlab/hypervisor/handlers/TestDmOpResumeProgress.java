package org.xencommlab.hypervisor.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteOrder;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xencommlab.api.abi.ArgumentStrategy;
import org.xencommlab.api.abi.PreparedCall;
import org.xencommlab.api.abi.dmop.DmOpBlock;
import org.xencommlab.api.abi.dmop.DmOpBuf;
import org.xencommlab.api.abi.dmop.ModifiedMemoryExtent;
import org.xencommlab.api.abi.dmop.ModifiedMemoryOp;
import org.xencommlab.api.abi.dmop.ModifiedMemoryOutcome;
import org.xencommlab.api.abi.dmop.ModifiedMemoryRequest;
import org.xencommlab.api.abi.layout.AbiForm;
import org.xencommlab.api.abi.layout.LittleEndian;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.memory.GuestPhysicalMemory;
import org.xencommlab.hypervisor.HypervisorConfig;
import org.xencommlab.hypervisor.TestingGuestCalls;
import org.xencommlab.hypervisor.TestingMachine;
import org.xencommlab.hypervisor.TestingPlacement;
import org.xencommlab.hypervisor.domain.DirtyLog;
import org.xencommlab.hypervisor.domain.DomainSpec;

/**
 * The progress a dm_op carries in its operation's {@code opaque} (the frames of the last extent
 * already done, written there by a preempted entry): a call resumes after them, and a progress
 * that is not below the extent's {@code nr} is -EINVAL and marks nothing (Xen's
 * {@code pfn_done >= extent.nr}), also when it equals {@code nr} exactly. The tests write the
 * progress into the operation in guest memory, as a guest (or a preempted entry) would.
 */
final class TestDmOpResumeProgress {
    private static final int PAGE = 4096;

    private TestingMachine m;
    private TestingGuestCalls dom0;
    private DirtyLog log;

    static List<ArgumentStrategy> strategies() {
        return TestingGuestCalls.strategies();
    }

    private void boot(ArgumentStrategy strategy) {
        m = new TestingMachine(HypervisorConfig.defaults().withMachineMemoryBytes(16L << 20), strategy);
        m.hypervisor.createDomain(DomainSpec.dom0(64L * PAGE));
        m.hypervisor.createDomain(DomainSpec.guest(1, 64L * PAGE));
        dom0 = new TestingGuestCalls(m, 0, new TestingPlacement(m.entry.physicalMemory(0), PAGE, 32L * PAGE));
        log = m.domains.lookup(1).dirtyLog();
        log.clean();
    }

    @AfterEach
    void auditIsExact() {
        assertThat(m.hypervisor.audit()).isEmpty();
        assertThat(m.entry.containedFailures()).isZero();
    }

    /** Issues modified_memory of frames 10..13 of d1 with {@code opaque} set to {@code done}. */
    private long issueWithProgress(ArgumentStrategy strategy, int done) {
        PreparedCall<ModifiedMemoryOutcome> call = dom0.prepare(
                new ModifiedMemoryRequest(1, List.of(new ModifiedMemoryExtent(4, 10))));
        long[] args = call.args();
        GuestPhysicalMemory memory = m.entry.physicalMemory(0);
        long op = strategy.form() == AbiForm.POINTER
                ? memory.readLong(args[2] + DmOpBuf.HANDLE_OFFSET, ByteOrder.LITTLE_ENDIAN)
                : args[2] + DmOpBlock.OP_OFFSET;
        byte[] word = new byte[4];
        LittleEndian.putU32(word, 0, done);
        TestingPlacement.write(memory, op + ModifiedMemoryOp.OPAQUE_OFFSET, word, 0, 4);
        return m.entry.hypercall(0, 0, HypercallNumber.DM_OP, args);
    }

    private long[] dirty() {
        return LongStream.range(0, 64).filter(log::isDirty).toArray();
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void aCallResumesAfterTheFramesItsProgressSaysAreDone(ArgumentStrategy strategy) {
        boot(strategy);
        assertThat(issueWithProgress(strategy, 3)).isZero();
        assertThat(dirty()).containsExactly(13);
        assertThat(issueWithProgress(strategy, 0)).isZero();
        assertThat(dirty()).containsExactly(10, 11, 12, 13);
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void aProgressOfTheWholeExtentOrMoreIsRefusedAndMarksNothing(ArgumentStrategy strategy) {
        boot(strategy);
        assertThat(issueWithProgress(strategy, 4)).as("opaque == nr").isEqualTo(XenErrno.EINVAL.asResult());
        assertThat(issueWithProgress(strategy, 5)).isEqualTo(XenErrno.EINVAL.asResult());
        assertThat(issueWithProgress(strategy, -1)).as("opaque is unsigned").isEqualTo(XenErrno.EINVAL.asResult());
        assertThat(dirty()).isEmpty();
    }
}
