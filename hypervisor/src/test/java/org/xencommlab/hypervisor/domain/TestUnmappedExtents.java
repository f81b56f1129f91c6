package org.xencommlab.hypervisor.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.hypervisor.HypervisorConfig;
import org.xencommlab.hypervisor.TestingGuestHandleResolver;
import org.xencommlab.hypervisor.heap.XenHeap;
import org.xencommlab.hypervisor.memory.MachineMemory;

/**
 * Extents a domain owns without mapping them (a PV guest's {@code increase_reservation}): a
 * machine-contiguous extent is the lowest free aligned run, even when the top of the free stack
 * is elsewhere, and may start at machine frame 0; any-frames extents come from the top of the free
 * stack; the frames are the domain's and all go back at destruction; a dying domain gets ESRCH
 * and nothing changes.
 */
final class TestUnmappedExtents {
    private static final int FRAMES = 64;

    private final HypervisorConfig config = HypervisorConfig.defaults().withMachineMemoryBytes(FRAMES * 4096L);
    private final RunMetrics metrics = new RunMetrics();
    private final MachineMemory machine = new MachineMemory(PageSize.SIZE_4K, config);
    private final XenHeap heap = new XenHeap(config, metrics);
    private final DomainTable domains = new DomainTable(machine, heap, metrics, config, new TestingGuestHandleResolver());

    private Domain domain(int domid, int initialPages) {
        return domains.create(DomainSpec.guest(domid, initialPages * 4096L).withMaxMemoryBytes(32 * 4096L));
    }

    @Test
    void aContiguousExtentMayStartAtMachineFrameZero() {
        Domain d = domain(1, 0);
        assertThat(d.allocateUnmapped(2, true)).isZero();
        for (int mfn = 0; mfn < 4; mfn++) {
            assertThat(machine.owner(mfn)).isEqualTo(1);
        }
        assertThat(d.unmappedFrames()).isEqualTo(4);
        assertThat(d.totPages()).isEqualTo(4);
        assertThat(domains.auditFrames()).isEmpty();
    }

    @Test
    void aContiguousExtentIsTheLowestAlignedRunNotTheTopOfTheStack() {
        Domain d = domain(1, 3);
        // d1 holds frames 0..2; the top of the free stack is frame 3, the lowest free aligned
        // run of four is 4..7.
        assertThat(d.allocateUnmapped(2, true)).isEqualTo(4);
        assertThat(d.allocateUnmapped(0, false)).as("any frame: the top of the stack").isEqualTo(3);
        assertThat(d.allocateUnmapped(1, false)).isEqualTo(8);
        assertThat(machine.owner(9)).isEqualTo(1);
        assertThat(machine.owner(10)).isEqualTo(MachineMemory.NO_OWNER);
        assertThat(d.unmappedFrames()).isEqualTo(7);
        assertThat(d.totPages()).isEqualTo(10);
        assertThat(domains.auditFrames()).isEmpty();

        assertThat(domains.destroy(1)).isTrue();
        assertThat(machine.freeFrames()).isEqualTo(FRAMES);
        assertThat(machine.countOwnedBy(1)).isZero();
        assertThat(domains.auditFrames()).isEmpty();
    }

    @Test
    void noFreeAlignedRunIsEnomemAndChangesNothing() {
        Domain d = domain(1, 1);
        Domain other = domains.create(DomainSpec.guest(2, (FRAMES - 2) * 4096L).withMaxMemoryBytes(FRAMES * 4096L));
        // One frame is free (frame 63): no aligned pair.
        assertThat(machine.freeFrames()).isEqualTo(1);
        XenException refused = catchThrowableOfType(XenException.class, () -> d.allocateUnmapped(1, true));
        assertThat(refused.errno()).isEqualTo(XenErrno.ENOMEM);
        assertThat(d.totPages()).isEqualTo(1);
        assertThat(d.unmappedFrames()).isZero();
        assertThat(machine.freeFrames()).isEqualTo(1);
        assertThat(other.totPages()).isEqualTo(FRAMES - 2);
        assertThat(domains.auditFrames()).isEmpty();
    }

    @Test
    void aDyingDomainGetsEsrchAndNothingChanges() {
        Domain d = domain(1, 2);
        d.markDying();
        for (boolean contiguous : new boolean[] {true, false}) {
            XenException refused = catchThrowableOfType(XenException.class, () -> d.allocateUnmapped(0, contiguous));
            assertThat(refused.errno()).isEqualTo(XenErrno.ESRCH);
        }
        assertThat(d.totPages()).isEqualTo(2);
        assertThat(d.unmappedFrames()).isZero();
        assertThat(machine.freeFrames()).isEqualTo(FRAMES - 2);
    }
}
