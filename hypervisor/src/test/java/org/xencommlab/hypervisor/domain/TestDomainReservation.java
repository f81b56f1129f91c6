package org.xencommlab.hypervisor.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.metrics.Gauge;
import org.xencommlab.hypervisor.HypervisorConfig;
import org.xencommlab.hypervisor.TestingGuestHandleResolver;
import org.xencommlab.hypervisor.TestingMachine;

/**
 * A domain's reservation and p2m at every edge: the last frame of the physmap, the largest
 * extent order, the last page of the reservation, an extent right next to a populated or pinned
 * frame, and the lowest aligned free run. Each refusal is checked to change nothing.
 */
final class TestDomainReservation {
    private static final int PAGE = 4096;

    private final TestingMachine m = new TestingMachine(
            HypervisorConfig.defaults().withMachineMemoryBytes(2048L * PAGE).withMaxOrders(9, 9), new TestingGuestHandleResolver(512), Map.of());

    private static void assertErrno(Runnable action, XenErrno errno) {
        assertThatThrownBy(action::run).isInstanceOf(XenException.class)
                .satisfies(e -> assertThat(((XenException) e).errno()).isEqualTo(errno));
    }

    private Domain guest(int domid, long pages, long maxPages) {
        return m.domains.create(DomainSpec.guest(domid, pages * PAGE).withMaxMemoryBytes(maxPages * PAGE));
    }

    @Test
    void theReservationMayBeSetAnywhereInsideThePhysmap() {
        Domain d = guest(1, 4, 16);
        d.setMaxPages(16);
        assertThat(d.maxPages()).isEqualTo(16);
        d.setMaxPages(0);
        assertThat(d.maxPages()).isZero();
        assertErrno(() -> d.setMaxPages(17), XenErrno.EINVAL);
        assertErrno(() -> d.setMaxPages(-1), XenErrno.EINVAL);
        assertThat(d.maxPages()).as("a refused value changes nothing").isZero();
        assertThat(d.totPages()).isEqualTo(4);
    }

    @Test
    void vcpusAreNumberedFromZero() {
        Domain d = m.domains.create(DomainSpec.guest(1, PAGE).withVcpus(3));
        assertThat(d.vcpuCount()).isEqualTo(3);
        assertThat(d.vcpu(0).id()).isZero();
        assertThat(d.vcpu(2).id()).isEqualTo(2);
        assertThat(d.vcpu(3)).isNull();
        assertThat(d.vcpu(-1)).isNull();
        assertThat(d).hasToString("d1");
    }

    @Test
    void theLastFrameOfThePhysmapCanBePopulatedAndGivenBack() {
        Domain d = guest(1, 0, 16);
        d.populatePhysmap(15, 0);
        assertThat(d.isRam(15)).isTrue();
        assertThat(d.mfnOf(15)).isNotNegative();
        d.decreaseReservation(15, 0);
        assertThat(d.isRam(15)).isFalse();
        assertThat(d.mfnOf(15)).isEqualTo(-1);
        d.populatePhysmap(12, 2);
        assertThat(d.totPages()).isEqualTo(4);
        assertErrno(() -> d.populatePhysmap(16, 0), XenErrno.EINVAL);
        assertErrno(() -> d.decreaseReservation(16, 0), XenErrno.EINVAL);
        assertErrno(() -> d.decreaseReservation(-1, 0), XenErrno.EINVAL);
        assertThat(d.isRam(16)).isFalse();
        assertThat(d.isRam(-1)).isFalse();
    }

    @Test
    void theLargestExtentOrderIsAcceptedAndTheNextRefused() {
        Domain d = guest(1, 0, 1024);
        int max = m.config.maxExtentOrder();
        d.populatePhysmap(0, max);
        assertThat(d.totPages()).isEqualTo(1L << max);
        assertErrno(() -> d.populatePhysmap(1L << max, max + 1), XenErrno.EINVAL);
        assertErrno(() -> d.increaseReservation(max + 1), XenErrno.EINVAL);
        assertErrno(() -> d.decreaseReservation(0, max + 1), XenErrno.EINVAL);
        assertErrno(() -> d.increaseReservation(-1), XenErrno.EINVAL);
        assertErrno(() -> d.decreaseReservation(0, -1), XenErrno.EINVAL);
        d.decreaseReservation(0, max);
        assertThat(d.totPages()).isZero();
        assertThat(d.increaseReservation(max).gfn()).isZero();
        assertThat(d.totPages()).isEqualTo(1L << max);
    }

    @Test
    void anExtentThatFillsTheReservationExactlyIsAccepted() {
        Domain d = guest(1, 2, 16);
        d.setMaxPages(6);
        d.populatePhysmap(4, 2);
        assertThat(d.totPages()).isEqualTo(6);
        assertErrno(() -> d.populatePhysmap(2, 0), XenErrno.ENOMEM);
        assertErrno(() -> d.increaseReservation(0), XenErrno.ENOMEM);
        assertThat(d.isRam(2)).isFalse();
        assertThat(d.totPages()).isEqualTo(6);
        assertThat(m.hypervisor.audit()).isEmpty();
    }

    @Test
    void aRangeRightBelowAPopulatedFrameCanBePopulated() {
        Domain d = guest(1, 0, 16);
        d.populatePhysmap(4, 0);
        d.populatePhysmap(0, 2);
        assertThat(d.totPages()).isEqualTo(5);
        d.populatePhysmap(6, 1);
        assertErrno(() -> d.populatePhysmap(4, 2), XenErrno.EEXIST);
        assertThat(d.isRam(5)).as("a refused extent maps nothing").isFalse();
        assertThat(d.totPages()).isEqualTo(7);
        assertThat(m.hypervisor.audit()).isEmpty();
    }

    @Test
    void anExtentRightBelowAPinnedOrMissingFrameCanBeGivenBack() {
        Domain d = guest(1, 8, 16);
        assertThat(d.pinFrame(4)).isTrue();
        d.decreaseReservation(0, 2);
        assertThat(d.totPages()).isEqualTo(4);
        d.decreaseReservation(6, 1);
        assertThat(d.totPages()).isEqualTo(2);
        assertErrno(() -> d.decreaseReservation(4, 1), XenErrno.EBUSY);
        assertThat(d.isRam(5)).isTrue();
        d.unpinFrame(4);
        d.decreaseReservation(4, 1);
        assertThat(d.totPages()).isZero();
        assertThat(m.machine.countOwnedBy(1)).isZero();
        assertThat(m.hypervisor.audit()).isEmpty();
    }

    @Test
    void increaseReservationTakesTheLowestAlignedFreeRun() {
        Domain d = guest(1, 0, 64);
        d.populatePhysmap(1, 0);
        assertThat(d.increaseReservation(0).gfn()).as("gfn 0 is free").isZero();
        assertThat(d.increaseReservation(1).gfn()).as("2..3 is the first free aligned pair").isEqualTo(2);
        d.populatePhysmap(5, 0);
        assertThat(d.increaseReservation(2).gfn()).as("4..7 holds gfn 5").isEqualTo(8);
        assertThat(d.increaseReservation(0).gfn()).isEqualTo(4);
        assertThat(d.increaseReservation(0).gfn()).isEqualTo(6);
        assertThat(d.increaseReservation(0).gfn()).isEqualTo(7);
        assertThat(d.increaseReservation(0).gfn()).isEqualTo(12);
        d.decreaseReservation(2, 0);
        assertThat(d.increaseReservation(0).gfn()).as("a frame given back is reused first").isEqualTo(2);
        assertThat(m.hypervisor.audit()).isEmpty();
    }

    @Test
    void increaseReservationFindsARunBehindABusyOne() {
        Domain d = guest(1, 0, 32);
        d.populatePhysmap(0, 0);
        d.populatePhysmap(9, 0);
        assertThat(d.increaseReservation(3).gfn()).as("0..7 and 8..15 are busy").isEqualTo(16);
        assertThat(d.increaseReservation(3).gfn()).as("then 24..31, the last run").isEqualTo(24);
        assertErrno(() -> d.increaseReservation(3), XenErrno.ENOMEM);
        assertThat(d.increaseReservation(2).gfn()).isEqualTo(4);
        assertThat(d.totPages()).isEqualTo(22);
    }

    @Test
    void aFullPhysmapHasNoFreeRunAndGivingBackMakesOne() {
        Domain d = guest(1, 8, 8);
        assertErrno(() -> d.increaseReservation(0), XenErrno.ENOMEM);
        d.setMaxPages(8);
        d.decreaseReservation(6, 0);
        assertThat(d.increaseReservation(0).gfn()).isEqualTo(6);
        d.decreaseReservation(3, 0);
        assertThat(d.increaseReservation(0).gfn()).isEqualTo(3);
        assertThat(d.totPages()).isEqualTo(8);
    }

    @Test
    void increaseReservationReturnsTheFramesItMapped() {
        Domain d = guest(1, 0, 8);
        Extent e = d.increaseReservation(2);
        assertThat(e.mfns()).hasSize(4);
        for (int i = 0; i < 4; i++) {
            assertThat(d.mfnOf(e.gfn() + i)).isEqualTo(e.mfns()[i]);
            assertThat(m.machine.owner((int) e.mfns()[i])).isEqualTo(1);
        }
        assertThat(e.mfns()).doesNotHaveDuplicates();
    }

    @Test
    void markDirtyMarksOnlyRamAndChecksItsRange() {
        Domain d = guest(1, 4, 16);
        assertThat(d.markDirty(2, 4)).as("gfns 2, 3 are RAM; 4, 5 are not").isEqualTo(2);
        assertThat(d.dirtyLog().isDirty(2)).isTrue();
        assertThat(d.dirtyLog().isDirty(3)).isTrue();
        assertThat(d.dirtyLog().isDirty(4)).isFalse();
        assertThat(d.dirtyLog().isDirty(1)).isFalse();
        assertThat(d.markDirty(0, 0)).isZero();
        assertThat(d.markDirty(15, 1)).isZero();
        assertThat(d.markDirty(0, 16)).isEqualTo(4);
        assertThatIllegalArgumentException().isThrownBy(() -> d.markDirty(15, 2));
        assertThatIllegalArgumentException().isThrownBy(() -> d.markDirty(0, -1));
        assertThatIllegalArgumentException().isThrownBy(() -> d.markDirty(-1, 1));
        d.populatePhysmap(8, 0); // a p2m change after markDirty: it must have let go of its lock
        assertThat(d.markDirty(8, 1)).isEqualTo(1);
        assertThat(m.hypervisor.audit()).isEmpty();
    }

    @Test
    void aFrameIsCountedPinnedOnceHoweverManyPinsItHolds() {
        Domain d = guest(1, 4, 4);
        long before = m.metrics.current(Gauge.PINNED_FRAMES);
        assertThat(d.pinFrame(0)).isTrue();
        assertThat(d.pinFrame(0)).isTrue();
        assertThat(d.pinFrame(0)).isTrue();
        assertThat(d.pinFrame(3)).isTrue();
        assertThat(d.pinsOn(0)).isEqualTo(3);
        assertThat(d.pinsOn(3)).isEqualTo(1);
        assertThat(d.pinsOn(1)).isZero();
        assertThat(d.pinsOn(9)).isZero();
        assertThat(d.pinnedFrames()).isEqualTo(2);
        assertThat(m.metrics.current(Gauge.PINNED_FRAMES) - before).isEqualTo(2);
        d.unpinFrame(0);
        d.unpinFrame(0);
        assertThat(d.pinnedFrames()).isEqualTo(2);
        d.unpinFrame(0);
        assertThat(d.pinnedFrames()).isEqualTo(1);
        assertThat(m.metrics.current(Gauge.PINNED_FRAMES) - before).isEqualTo(1);
        assertThatThrownBy(() -> d.unpinFrame(2)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> d.unpinFrame(9)).isInstanceOf(IllegalStateException.class);
        assertThat(d.pinnedFrames()).isEqualTo(1);
        assertThat(m.hypervisor.audit()).isEmpty();
    }

    @Test
    void aDyingDomainRefusesMemoryOperationsAndPins() {
        Domain d = guest(1, 4, 16);
        d.markDying();
        assertThat(d.isDying()).isTrue();
        assertErrno(() -> d.populatePhysmap(8, 0), XenErrno.ESRCH);
        assertErrno(() -> d.increaseReservation(0), XenErrno.ESRCH);
        assertErrno(() -> d.decreaseReservation(0, 0), XenErrno.ESRCH);
        assertThat(d.pinFrame(0)).isFalse();
        assertThat(d.pinsOn(0)).isZero();
        assertThat(d.totPages()).isEqualTo(4);
    }

    @Test
    void unpinningAfterDestructionDoesNothing() {
        Domain d = guest(1, 4, 4);
        assertThat(d.pinFrame(1)).isTrue();
        long leakedBefore = m.domains.leakedPins();
        assertThat(m.domains.destroy(1)).isTrue();
        assertThat(m.domains.leakedPins() - leakedBefore).isEqualTo(1);
        d.unpinFrame(1);
        assertThat(d.totPages()).isZero();
        assertThat(d.pinnedFrames()).isZero();
        assertThat(d.countPopulated()).isZero();
    }

    @Test
    void unpinningADyingDomainThatStillHoldsFramesIsStillChecked() {
        Domain d = guest(1, 4, 4);
        d.markDying();
        assertThatThrownBy(() -> d.unpinFrame(1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void releaseReportsThePinsLeftAndClearsEverything() {
        Domain d = guest(1, 4, 8);
        d.pinFrame(0);
        d.pinFrame(0);
        d.pinFrame(2);
        d.memory().write(3L * PAGE, new byte[] {1}, 0, 1);
        long gauge = m.metrics.current(Gauge.PINNED_FRAMES);
        assertThat(d.releaseAllFrames()).isEqualTo(3);
        assertThat(m.metrics.current(Gauge.PINNED_FRAMES)).isEqualTo(gauge - 2);
        assertThat(d.totPages()).isZero();
        assertThat(d.pinnedFrames()).isZero();
        assertThat(d.dirtyLog().isDirty(3)).isFalse();
        assertThat(d.isRam(0)).isFalse();
        assertThat(m.machine.countOwnedBy(1)).isZero();
        assertThat(d.isDying()).isTrue();
    }

    @Test
    void initialMemoryAboveTheReservationIsRefused() {
        Domain d = new Domain(5, false, 1, 8, 4, m.machine, m.heap.openAccount(5), m.metrics, 9);
        assertErrno(() -> d.populateInitial(5), XenErrno.EINVAL);
        assertThat(d.totPages()).isZero();
        d.populateInitial(4);
        assertThat(d.totPages()).isEqualTo(4);
        assertThat(d.countPopulated()).isEqualTo(4);
        assertThat(d.releaseAllFrames()).isZero();
    }

    @Test
    void initialMemoryBeyondAnIntOfFramesIsRefusedAndAFullIntIsLeftToTheAllocator() {
        long most = Integer.MAX_VALUE;
        Domain huge = new Domain(6, false, 1, most + 1, most + 1, m.machine, m.heap.openAccount(6), m.metrics, 9);
        assertErrno(() -> huge.populateInitial(most + 1), XenErrno.EINVAL);
        assertErrno(() -> huge.populateInitial(most), XenErrno.ENOMEM);
        assertThat(huge.totPages()).isZero();
        assertThat(m.machine.countOwnedBy(6)).isZero();
    }

    @Test
    void auditNamesAFrameFreedBehindTheDomainsBack() {
        Domain d = guest(1, 4, 4);
        int mfn = (int) d.mfnOf(2);
        m.machine.put(mfn);
        assertThat(d.audit()).anySatisfy(p -> assertThat(p).contains("gfn 0x2").contains("owned by -1"))
                .anySatisfy(p -> assertThat(p).contains("maps a free frame"));
    }

    @Test
    void auditNamesAPinTakenBehindTheDomainsBack() {
        Domain d = guest(1, 4, 4);
        assertThat(d.audit()).isEmpty();
        int mfn = (int) d.mfnOf(1);
        assertThat(m.machine.get(mfn, 1)).isTrue();
        assertThat(d.audit()).singleElement().asString().contains("pinned 0 but 1");
        m.machine.put(mfn);
        assertThat(d.pinFrame(1)).isTrue();
        assertThat(d.audit()).isEmpty();
    }
}
