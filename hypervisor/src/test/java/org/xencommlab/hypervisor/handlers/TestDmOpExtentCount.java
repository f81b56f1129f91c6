package org.xencommlab.hypervisor.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteOrder;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.abi.ArgumentStrategy;
import org.xencommlab.api.abi.PreparedCall;
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
 * How many extents one call carries: in the pointer form, an operation that names more extents
 * than its extents buffer holds is -EINVAL and marks nothing (Xen's copy of extent
 * {@code nr_extents - 1} would be out of the buffer); and a call of many extents (more runs than
 * the handler first makes room for) marks every one of them.
 */
final class TestDmOpExtentCount {
    private static final int PAGE = 4096;

    @Test
    void aCallOfTwentyExtentsMarksEachOfThem() {
        for (ArgumentStrategy strategy : TestingGuestCalls.strategies()) {
            TestingMachine m = new TestingMachine(HypervisorConfig.defaults().withMachineMemoryBytes(16L << 20), strategy);
            m.hypervisor.createDomain(DomainSpec.dom0(64L * PAGE));
            m.hypervisor.createDomain(DomainSpec.guest(1, 64L * PAGE));
            TestingGuestCalls dom0 = new TestingGuestCalls(m, 0, new TestingPlacement(m.entry.physicalMemory(0), PAGE, 32L * PAGE));
            DirtyLog log = m.domains.lookup(1).dirtyLog();
            log.clean();
            List<ModifiedMemoryExtent> extents = new java.util.ArrayList<>();
            for (int i = 0; i < 20; i++) {
                extents.add(new ModifiedMemoryExtent(1, 3L * i));
            }
            assertThat(dom0.issue(new ModifiedMemoryRequest(1, extents)).result()).as(strategy.toString()).isZero();
            assertThat(LongStream.range(0, 64).filter(log::isDirty).toArray())
                    .containsExactly(LongStream.range(0, 20).map(i -> 3 * i).toArray());
            assertThat(m.hypervisor.audit()).isEmpty();
        }
    }

    @Test
    void moreExtentsThanTheBufferHoldsAreRefused() {
        ArgumentStrategy strategy = TestingGuestCalls.strategies().stream()
                .filter(s -> s.form() == AbiForm.POINTER).findFirst().orElseThrow();
        TestingMachine m = new TestingMachine(HypervisorConfig.defaults().withMachineMemoryBytes(16L << 20), strategy);
        m.hypervisor.createDomain(DomainSpec.dom0(64L * PAGE));
        m.hypervisor.createDomain(DomainSpec.guest(1, 64L * PAGE));
        TestingGuestCalls dom0 = new TestingGuestCalls(m, 0, new TestingPlacement(m.entry.physicalMemory(0), PAGE, 32L * PAGE));
        DirtyLog log = m.domains.lookup(1).dirtyLog();
        log.clean();

        PreparedCall<ModifiedMemoryOutcome> call = dom0.prepare(new ModifiedMemoryRequest(1,
                List.of(new ModifiedMemoryExtent(2, 10), new ModifiedMemoryExtent(2, 20))));
        long[] args = call.args();
        GuestPhysicalMemory memory = m.entry.physicalMemory(0);
        long op = memory.readLong(args[2] + DmOpBuf.HANDLE_OFFSET, ByteOrder.LITTLE_ENDIAN);
        byte[] word = new byte[4];
        LittleEndian.putU32(word, 0, 3);
        TestingPlacement.write(memory, op + ModifiedMemoryOp.NR_EXTENTS_OFFSET, word, 0, 4);

        assertThat(m.entry.hypercall(0, 0, HypercallNumber.DM_OP, args)).isEqualTo(XenErrno.EINVAL.asResult());
        assertThat(LongStream.range(0, 64).filter(log::isDirty).toArray()).isEmpty();
        assertThat(m.hypervisor.audit()).isEmpty();
    }
}
