package org.xencommlab.hypervisor.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xencommlab.api.abi.ArgumentStrategy;
import org.xencommlab.api.abi.PreparedCall;
import org.xencommlab.api.abi.dmop.DmOpBlock;
import org.xencommlab.api.abi.dmop.ModifiedMemoryExtent;
import org.xencommlab.api.abi.dmop.ModifiedMemoryOp;
import org.xencommlab.api.abi.dmop.ModifiedMemoryOutcome;
import org.xencommlab.api.abi.dmop.ModifiedMemoryRequest;
import org.xencommlab.api.abi.layout.AbiForm;
import org.xencommlab.api.abi.layout.LittleEndian;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.hypervisor.HypervisorConfig;
import org.xencommlab.hypervisor.TestingGuestCalls;
import org.xencommlab.hypervisor.TestingMachine;
import org.xencommlab.hypervisor.TestingPlacement;
import org.xencommlab.hypervisor.domain.DirtyLog;
import org.xencommlab.hypervisor.domain.Domain;
import org.xencommlab.hypervisor.domain.DomainSpec;

/** dm_op modified_memory in both forms: pages marked dirty in the target, Xen's checks, continuations. */
final class TestDmOp {
    private static final int PAGE = 4096;

    private TestingMachine m;
    private TestingGuestCalls dom0;
    private DirtyLog log;

    static List<ArgumentStrategy> strategies() {
        return TestingGuestCalls.strategies();
    }

    private void boot(ArgumentStrategy strategy, int polls) {
        m = new TestingMachine(HypervisorConfig.defaults().withMachineMemoryBytes(32L << 20).withPreemptionPolls(polls), strategy);
        m.hypervisor.createDomain(DomainSpec.dom0(64L * PAGE));
        m.hypervisor.createDomain(DomainSpec.guest(1, 4096L * PAGE));
        m.hypervisor.createDomain(DomainSpec.guest(2, 16L * PAGE));
        dom0 = new TestingGuestCalls(m, 0, new TestingPlacement(m.entry.physicalMemory(0), PAGE, 32L * PAGE));
        log = m.domains.lookup(1).dirtyLog();
        log.clean();
    }

    @AfterEach
    void auditIsExact() {
        assertThat(m.hypervisor.audit()).isEmpty();
        assertThat(m.entry.containedFailures()).isZero();
    }

    private static ModifiedMemoryRequest request(int domid, long... firstAndNr) {
        List<ModifiedMemoryExtent> extents = new ArrayList<>();
        for (int i = 0; i < firstAndNr.length; i += 2) {
            extents.add(new ModifiedMemoryExtent((int) firstAndNr[i + 1], firstAndNr[i]));
        }
        return new ModifiedMemoryRequest(domid, extents);
    }

    private long[] dirty() {
        return LongStream.range(0, 4096).filter(log::isDirty).toArray();
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void marksTheTargetsPopulatedPagesDirty(ArgumentStrategy strategy) {
        boot(strategy, 64);
        m.domains.lookup(1).decreaseReservation(11, 0);
        ModifiedMemoryOutcome out = dom0.issue(request(1, 0, 3, 10, 3));
        assertThat(out.result()).isZero();
        assertThat(out.op()).as("dm_op copies nothing back on success (const_op = !rc)").isEqualTo(new ModifiedMemoryOp(2, 0));
        assertThat(dirty()).as("gfn 11 is not RAM now: skipped, as Xen skips it").containsExactly(0, 1, 2, 10, 12);
        assertThat(m.domains.lookup(2).dirtyLog().isDirty(0)).isFalse();
        if (strategy.form() == AbiForm.EMBEDDED) {
            assertThat(dom0.issue(request(1)).result()).as("no extents, in the one block").isZero();
        }
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void refusalsMarkNothing(ArgumentStrategy strategy) {
        boot(strategy, 64);
        assertThat(dom0.issue(request(1, 0, 3, 4094, 3)).result()).as("beyond the physmap").isEqualTo(XenErrno.EINVAL.asResult());
        assertThat(dom0.issue(request(1, 0, 3, 5, 0)).result()).as("an empty extent").isEqualTo(XenErrno.EINVAL.asResult());
        assertThat(dom0.issue(request(1, 0, 3, -1L, 2)).result()).isEqualTo(XenErrno.EINVAL.asResult());
        assertThat(dom0.issue(request(7, 0, 3)).result()).isEqualTo(XenErrno.ESRCH.asResult());
        assertThat(dom0.issue(request(0x7FF0, 0, 3)).result()).as("DOMID_SELF names no remote domain").isEqualTo(XenErrno.ESRCH.asResult());
        assertThat(dom0.issue(request(0, 0, 3)).result()).as("not itself").isEqualTo(XenErrno.EPERM.asResult());
        TestingGuestCalls dom2 = new TestingGuestCalls(m, 2, new TestingPlacement(m.entry.physicalMemory(2), PAGE, 8L * PAGE));
        assertThat(dom2.issue(request(1, 0, 3)).result()).isEqualTo(XenErrno.EPERM.asResult());
        assertThat(dirty()).isEmpty();

        PreparedCall<ModifiedMemoryOutcome> call = dom0.prepare(request(1, 0, 3));
        long[] args = call.args();
        if (strategy.form() == AbiForm.POINTER) {
            assertThat(m.entry.hypercall(0, 0, HypercallNumber.DM_OP, args[0], 3, args[2])).isEqualTo(XenErrno.E2BIG.asResult());
            assertThat(m.entry.hypercall(0, 0, HypercallNumber.DM_OP, args[0], 1, args[2]))
                    .as("no extents buffer for one extent").isEqualTo(XenErrno.EINVAL.asResult());
            PreparedCall<ModifiedMemoryOutcome> none = dom0.prepare(request(1));
            assertThat(none.args()[1]).as("no extents: the guest lists only the operation").isEqualTo(1);
            assertThat(m.entry.hypercall(0, 0, HypercallNumber.DM_OP, none.args()))
                    .as("modified_memory needs nr_bufs == 2, even for zero extents").isEqualTo(XenErrno.EINVAL.asResult());
        } else {
            assertThat(m.entry.hypercall(0, 0, HypercallNumber.DM_OP, args[0], 2, args[2])).isEqualTo(XenErrno.EINVAL.asResult());
            byte[] word = new byte[4];
            LittleEndian.putU32(word, 0, 5);
            TestingPlacement.write(m.entry.physicalMemory(0), args[2] + DmOpBlock.OP_OFFSET + ModifiedMemoryOp.NR_EXTENTS_OFFSET, word, 0, 4);
            assertThat(m.entry.hypercall(0, 0, HypercallNumber.DM_OP, args)).as("nr_extents beyond the block").isEqualTo(XenErrno.EINVAL.asResult());
        }
        assertThat(m.entry.hypercall(0, 0, HypercallNumber.DM_OP, 1, 1, 1L << 40)).isEqualTo(XenErrno.EFAULT.asResult());
        assertThat(m.entry.hypercall(0, 0, HypercallNumber.DM_OP, 1, 0, 1L << 40)).as("nr_bufs 0, before any copy")
                .isEqualTo(XenErrno.ENODATA.asResult());
        assertThat(m.entry.hypercall(0, 0, HypercallNumber.DM_OP, 1, 0x1_0000_0000L, args[2])).as("nr_bufs is an unsigned int")
                .isEqualTo(XenErrno.ENODATA.asResult());
        assertThat(dirty()).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void aLongListContinuesWithItsProgressInTheOperation(ArgumentStrategy strategy) {
        boot(strategy, 1);
        long[] extents = new long[2 * 40];
        for (int i = 0; i < 40; i++) {
            extents[2 * i] = 100L * i;
            extents[2 * i + 1] = 90;
        }
        List<ModifiedMemoryOutcome> outs = dom0.issueSplit(request(1, extents));
        assertThat(outs).allSatisfy(o -> assertThat(o.result()).isZero());
        assertThat(dirty()).hasSize(40 * 90);
        assertThat(LongStream.of(dirty()).allMatch(g -> g % 100 < 90)).isTrue();
        // 3600 pages in batches of 256, two batches per entry (a poll answers true on the second).
        assertThat(m.metrics.get(Counter.CONTINUATIONS)).isGreaterThanOrEqualTo(3600 / 512 - 1);
        assertThat(m.trace.events(org.xencommlab.api.trace.TraceKind.CONTINUATION)).allSatisfy(e -> assertThat(e.detail()).startsWith("dm_op("));
    }
}
