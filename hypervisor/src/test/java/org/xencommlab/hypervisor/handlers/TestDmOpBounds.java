package org.xencommlab.hypervisor.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xencommlab.api.abi.ArgumentStrategy;
import org.xencommlab.api.abi.dmop.ModifiedMemoryExtent;
import org.xencommlab.api.abi.dmop.ModifiedMemoryRequest;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.hypervisor.HypervisorConfig;
import org.xencommlab.hypervisor.TestingGuestCalls;
import org.xencommlab.hypervisor.TestingMachine;
import org.xencommlab.hypervisor.TestingPlacement;
import org.xencommlab.hypervisor.domain.DirtyLog;
import org.xencommlab.hypervisor.domain.DomainSpec;

/**
 * dm_op modified_memory at the edges: an extent that ends on the physmap's last frame, one batch
 * exactly, and when a batch boundary does and does not continue.
 */
final class TestDmOpBounds {
    private static final int PAGE = 4096;
    private static final int FRAMES = 1024;

    private TestingMachine m;
    private TestingGuestCalls dom0;
    private DirtyLog log;

    static List<ArgumentStrategy> strategies() {
        return TestingGuestCalls.strategies();
    }

    private void boot(ArgumentStrategy strategy, int polls) {
        m = new TestingMachine(HypervisorConfig.defaults().withMachineMemoryBytes(16L << 20).withPreemptionPolls(polls), strategy);
        m.hypervisor.createDomain(DomainSpec.dom0(64L * PAGE));
        m.hypervisor.createDomain(DomainSpec.guest(1, (long) FRAMES * PAGE));
        dom0 = new TestingGuestCalls(m, 0, new TestingPlacement(m.entry.physicalMemory(0), PAGE, 32L * PAGE));
        log = m.domains.lookup(1).dirtyLog();
        log.clean();
    }

    @AfterEach
    void auditIsExact() {
        assertThat(m.hypervisor.audit()).isEmpty();
        assertThat(m.entry.containedFailures()).isZero();
    }

    private static ModifiedMemoryRequest request(long... firstAndNr) {
        List<ModifiedMemoryExtent> extents = new ArrayList<>();
        for (int i = 0; i < firstAndNr.length; i += 2) {
            extents.add(new ModifiedMemoryExtent((int) firstAndNr[i + 1], firstAndNr[i]));
        }
        return new ModifiedMemoryRequest(1, extents);
    }

    private long[] dirty() {
        return LongStream.range(0, FRAMES).filter(log::isDirty).toArray();
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void anExtentMayEndOnTheLastFrameButNotBeyond(ArgumentStrategy strategy) {
        boot(strategy, 64);
        assertThat(dom0.issue(request(FRAMES - 1, 1)).result()).isZero();
        assertThat(dom0.issue(request(FRAMES - 4, 4)).result()).as("nr == frames - first").isZero();
        assertThat(dirty()).containsExactly(FRAMES - 4, FRAMES - 3, FRAMES - 2, FRAMES - 1);
        assertThat(dom0.issue(request(FRAMES, 1)).result()).isEqualTo(XenErrno.EINVAL.asResult());
        assertThat(dom0.issue(request(FRAMES - 4, 5)).result()).isEqualTo(XenErrno.EINVAL.asResult());
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void anExtentOfExactlyOneBatchIsDoneInOneEntryEvenWhenEveryPollWouldPreempt(ArgumentStrategy strategy) {
        boot(strategy, 0);
        assertThat(dom0.issue(request(0, DmOpHandler.BATCH_PFNS)).result()).isZero();
        assertThat(dirty()).hasSize(DmOpHandler.BATCH_PFNS).startsWith(0).endsWith(DmOpHandler.BATCH_PFNS - 1);
        assertThat(m.metrics.get(Counter.CONTINUATIONS)).as("nothing was left after the batch").isZero();
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void aFullBatchWithMoreToDoContinuesOnlyWhenPreemptionIsPending(ArgumentStrategy strategy) {
        boot(strategy, 1 << 20);
        assertThat(dom0.issue(request(0, DmOpHandler.BATCH_PFNS, 512, DmOpHandler.BATCH_PFNS)).result()).isZero();
        assertThat(m.metrics.get(Counter.CONTINUATIONS)).as("no poll answered true").isZero();
        assertThat(dirty()).hasSize(2 * DmOpHandler.BATCH_PFNS);

        auditIsExact();
        boot(strategy, 0);
        assertThat(dom0.issue(request(0, DmOpHandler.BATCH_PFNS, 512, DmOpHandler.BATCH_PFNS)).result()).isZero();
        assertThat(m.metrics.get(Counter.CONTINUATIONS)).as("the first poll answered true").isEqualTo(1);
        assertThat(dirty()).as("the continuation did the rest").hasSize(2 * DmOpHandler.BATCH_PFNS)
                .contains(0, DmOpHandler.BATCH_PFNS - 1, 512, 512 + DmOpHandler.BATCH_PFNS - 1);
    }
}
