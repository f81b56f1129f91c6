package org.xencommlab.hypervisor.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.metrics.Gauge;
import org.xencommlab.hypervisor.HypervisorConfig;
import org.xencommlab.hypervisor.TestingGuestHandleResolver;
import org.xencommlab.hypervisor.TestingMachine;

final class TestDomain {
    private static final int PAGE = 4096;

    private final TestingMachine m = new TestingMachine(
            HypervisorConfig.defaults().withMachineMemoryBytes(256L * PAGE), new TestingGuestHandleResolver(512), Map.of());

    @Test
    void createPopulatesInitialMemoryWithinTheReservation() {
        Domain d = m.domains.create(new DomainSpec(1, false, 2, 16L * PAGE, 64L * PAGE));
        assertThat(d.totPages()).isEqualTo(16);
        assertThat(d.maxPages()).isEqualTo(64);
        assertThat(d.physmapFrames()).isEqualTo(64);
        assertThat(d.isRam(15)).isTrue();
        assertThat(d.isRam(16)).isFalse();
        assertThat(d.vcpu(1)).isNotNull();
        assertThat(d.vcpu(2)).isNull();
        assertThat(m.machine.countOwnedBy(1)).isEqualTo(16);
        assertThat(m.heap.usedBy(1)).isEqualTo(512);
        assertThat(m.hypervisor.audit()).isEmpty();
    }

    @Test
    void createRefusesBadSpecsAndChangesNothing() {
        m.domains.create(DomainSpec.guest(1, 4L * PAGE));
        assertErrno(() -> m.domains.create(DomainSpec.guest(1, PAGE)), XenErrno.EEXIST);
        assertErrno(() -> m.domains.create(DomainSpec.guest(-1, PAGE)), XenErrno.EINVAL);
        assertErrno(() -> m.domains.create(DomainSpec.guest(DomainTable.DOMID_FIRST_RESERVED, PAGE)), XenErrno.EINVAL);
        assertErrno(() -> m.domains.create(DomainSpec.guest(2, PAGE).withVcpus(0)), XenErrno.EINVAL);
        assertErrno(() -> m.domains.create(DomainSpec.guest(2, 2L * PAGE).withMaxMemoryBytes(PAGE)), XenErrno.EINVAL);
        assertErrno(() -> m.domains.create(DomainSpec.guest(2, 1000L * PAGE)), XenErrno.ENOMEM);
        assertThat(m.domains.lookup(2)).isNull();
        assertThat(m.machine.allocatedFrames()).isEqualTo(4);
        assertThat(m.heap.used()).isEqualTo(512);
        assertThat(m.hypervisor.audit()).isEmpty();
    }

    @Test
    void populatePhysmapAllocatesZeroedFramesAndEnforcesTheReservation() {
        Domain d = m.domains.create(DomainSpec.guest(1, 4L * PAGE).withMaxMemoryBytes(16L * PAGE));
        d.populatePhysmap(8, 2);
        assertThat(d.totPages()).isEqualTo(8);
        for (long gfn = 8; gfn < 12; gfn++) {
            assertThat(d.isRam(gfn)).isTrue();
        }
        byte[] page = new byte[PAGE];
        page[0] = 1;
        d.memory().read(9L * PAGE, page, 0, PAGE);
        assertThat(page).containsOnly(0);

        assertErrno(() -> d.populatePhysmap(8, 0), XenErrno.EEXIST);
        assertErrno(() -> d.populatePhysmap(12, 3), XenErrno.EINVAL); // past the physmap
        assertErrno(() -> d.populatePhysmap(0, 10), XenErrno.EINVAL); // order above the limit
        assertErrno(() -> d.populatePhysmap(-1, 0), XenErrno.EINVAL);
        assertErrno(() -> d.populatePhysmap(Long.MAX_VALUE, 2), XenErrno.EINVAL);
        d.setMaxPages(9);
        assertErrno(() -> d.populatePhysmap(12, 1), XenErrno.ENOMEM);
        assertThat(d.isRam(12)).isFalse();
        d.populatePhysmap(12, 0);
        assertThat(d.totPages()).isEqualTo(9);
        assertThat(m.hypervisor.audit()).isEmpty();
    }

    @Test
    void aShortMachineSaysHowManyFramesWereShortNotHowManyWereAskedFor() {
        long free = m.machine.freeFrames();

        assertThatThrownBy(() -> m.domains.create(DomainSpec.guest(2, (free + 7) * PAGE)))
                .isInstanceOf(XenException.class)
                .hasMessageContaining("machine memory is short by 7 frames: d2 needs " + (free + 7) + ", " + free + " are free");
        assertThat(m.machine.freeFrames()).isEqualTo(free);
    }

    @Test
    void populateFailsCleanlyWhenMachineMemoryIsShort() {
        Domain big = m.domains.create(DomainSpec.guest(1, 250L * PAGE));
        Domain d = m.domains.create(DomainSpec.guest(2, 2L * PAGE).withMaxMemoryBytes(16L * PAGE));
        assertThat(big.totPages()).isEqualTo(250);
        assertErrno(() -> d.populatePhysmap(4, 3), XenErrno.ENOMEM);
        assertThat(d.totPages()).isEqualTo(2);
        assertThat(m.machine.freeFrames()).isEqualTo(4);
        d.populatePhysmap(4, 2);
        assertThat(m.machine.freeFrames()).isZero();
        assertThat(m.hypervisor.audit()).isEmpty();
    }

    @Test
    void increaseReservationMapsAtTheLowestFreeAlignedRun() {
        Domain d = m.domains.create(DomainSpec.guest(1, 5L * PAGE).withMaxMemoryBytes(32L * PAGE));
        Extent one = d.increaseReservation(0);
        assertThat(one.gfn()).isEqualTo(5);
        Extent four = d.increaseReservation(2);
        assertThat(four.gfn()).isEqualTo(8);
        assertThat(four.mfns()).hasSize(4);
        for (int i = 0; i < 4; i++) {
            assertThat(d.mfnOf(8 + i)).isEqualTo(four.mfns()[i]);
            assertThat(m.machine.owner((int) four.mfns()[i])).isEqualTo(1);
        }
        d.decreaseReservation(2, 0);
        assertThat(d.increaseReservation(0).gfn()).isEqualTo(2);
        assertThat(d.totPages()).isEqualTo(10);
        d.setMaxPages(10);
        assertErrno(() -> d.increaseReservation(0), XenErrno.ENOMEM);
        assertThat(m.hypervisor.audit()).isEmpty();
    }

    @Test
    void decreaseReservationFreesAndScrubsFrames() {
        Domain d = m.domains.create(DomainSpec.guest(1, 8L * PAGE));
        byte[] secret = {1, 2, 3, 4};
        d.memory().write(7L * PAGE + 100, secret, 0, 4);
        long mfn = d.mfnOf(7); // freed last, so reused first
        long scrubbedBefore = m.machine.scrubbedFrames();
        d.decreaseReservation(4, 2);
        assertThat(d.totPages()).isEqualTo(4);
        assertThat(d.isRam(4)).isFalse();
        assertThat(d.dirtyLog().isDirty(4)).isFalse();
        assertThat(m.machine.owner((int) mfn)).isEqualTo(-1);
        assertThat(m.machine.scrubbedFrames() - scrubbedBefore).isEqualTo(4);
        assertErrno(() -> d.memory().read(4L * PAGE, new byte[4], 0, 4), XenErrno.EFAULT);

        Domain other = m.domains.create(DomainSpec.guest(2, PAGE));
        assertThat(other.mfnOf(0)).as("the freed frame is reused").isEqualTo(mfn);
        byte[] seen = new byte[4];
        other.memory().read(100, seen, 0, 4);
        assertThat(seen).containsOnly(0);
        assertThat(m.hypervisor.audit()).isEmpty();
    }

    @Test
    void decreaseReservationRefusesAPinnedOrUnpopulatedExtentWhole() {
        Domain d = m.domains.create(DomainSpec.guest(1, 8L * PAGE));
        assertThat(d.pinFrame(5)).isTrue();
        assertThat(m.metrics.current(Gauge.PINNED_FRAMES)).isEqualTo(1);
        assertErrno(() -> d.decreaseReservation(4, 2), XenErrno.EBUSY);
        assertThat(d.totPages()).isEqualTo(8);
        assertThat(d.isRam(4)).isTrue();
        d.decreaseReservation(0, 0);
        assertErrno(() -> d.decreaseReservation(0, 1), XenErrno.ENOENT);
        assertThat(d.isRam(1)).as("the rest of a refused extent stays").isTrue();
        assertErrno(() -> d.decreaseReservation(6, 2), XenErrno.EINVAL);
        d.unpinFrame(5);
        assertThat(m.metrics.current(Gauge.PINNED_FRAMES)).isZero();
        d.decreaseReservation(4, 2);
        assertThat(d.totPages()).isEqualTo(3);
        assertThat(m.hypervisor.audit()).isEmpty();
    }

    @Test
    void pinsAreReferencesOnTheFrame() {
        Domain d = m.domains.create(DomainSpec.guest(1, 2L * PAGE));
        assertThat(d.pinFrame(1)).isTrue();
        assertThat(d.pinFrame(1)).isTrue();
        assertThat(d.pinsOn(1)).isEqualTo(2);
        assertThat(d.pinnedFrames()).isEqualTo(1);
        assertThat(d.pinFrame(2)).as("not RAM").isFalse();
        assertThat(d.pinFrame(-1)).isFalse();
        d.unpinFrame(1);
        assertThat(d.pinnedFrames()).isEqualTo(1);
        d.unpinFrame(1);
        assertThat(d.pinnedFrames()).isZero();
        assertThatThrownBy(() -> d.unpinFrame(1)).isInstanceOf(IllegalStateException.class);
        assertThat(m.machine.refCount((int) d.mfnOf(1))).isEqualTo(1);
    }

    @Test
    void destroyReleasesFramesArchStateAndHeap() {
        Domain d = m.domains.create(DomainSpec.guest(1, 8L * PAGE));
        TestingGuestHandleResolver.State state = (TestingGuestHandleResolver.State) d.archState();
        assertThat(d.pinFrame(3)).isTrue();
        state.recordPin(3);
        assertThat(d.pinFrame(4)).isTrue(); // a pin nobody drops: leaked, reclaimed at destruction
        d.heap().tryCharge(100); // a charge nobody releases
        d.memory().write(0, new byte[] {9}, 0, 1);

        assertThat(m.domains.destroy(1)).isTrue();
        assertThat(m.domains.lookup(1)).isNull();
        assertThat(d.isDying()).isTrue();
        assertThat(m.machine.allocatedFrames()).isZero();
        assertThat(m.machine.backedFrames()).isZero();
        assertThat(m.heap.used()).isZero();
        assertThat(m.heap.reclaimed()).isEqualTo(100);
        assertThat(m.domains.leakedPins()).isEqualTo(1);
        assertThat(m.metrics.current(Gauge.PINNED_FRAMES)).isZero();
        assertThat(m.metrics.current(Gauge.XEN_HEAP_BYTES)).isZero();
        assertErrno(() -> d.memory().read(0, new byte[1], 0, 1), XenErrno.EFAULT);
        assertThat(d.pinFrame(0)).isFalse();
        assertThat(m.domains.destroy(1)).isFalse();
        assertThat(state.releases()).isEqualTo(1);
        assertThat(m.hypervisor.audit()).isEmpty();
    }

    @Test
    void archStateThatCannotBeChargedFailsCreationCleanly() {
        TestingMachine tight = new TestingMachine(HypervisorConfig.defaults().withMachineMemoryBytes(64L * PAGE)
                .withXenHeap(1000, 100), new TestingGuestHandleResolver(512), Map.of());
        assertErrno(() -> tight.domains.create(DomainSpec.guest(1, 8L * PAGE)), XenErrno.ENOMEM);
        assertThat(tight.domains.lookup(1)).isNull();
        assertThat(tight.machine.allocatedFrames()).isZero();
        assertThat(tight.heap.used()).isZero();
    }

    @Test
    void largeDomainCostsWhatItTouches() {
        TestingMachine big = new TestingMachine(HypervisorConfig.defaults().withMachineMemoryBytes(8L << 30));
        Domain d = big.domains.create(DomainSpec.guest(1, 4L << 30));
        assertThat(d.totPages()).isEqualTo(1L << 20);
        d.memory().write((3L << 30) + 5, new byte[] {1}, 0, 1);
        assertThat(big.machine.backedFrames()).isEqualTo(1);
    }

    private static void assertErrno(Runnable action, XenErrno errno) {
        assertThatThrownBy(action::run).isInstanceOf(XenException.class)
                .satisfies(e -> assertThat(((XenException) e).errno()).isEqualTo(errno));
    }

    /** The dirty log and the hypervisor's gauges are recounted from the tables, not trusted. */
    @Test
    void auditRecountsTheDirtyLogAndTheGauges() {
        Domain d = m.domains.create(DomainSpec.guest(1, 8L * PAGE).withMaxMemoryBytes(16L * PAGE));
        d.memory().write(3L * PAGE, new byte[] {1}, 0, 1);
        assertThat(d.pinFrame(2)).isTrue();
        assertThat(m.hypervisor.audit()).isEmpty();

        d.dirtyLog().mark(12);
        assertThat(m.hypervisor.audit()).as("a dirty bit on a frame the domain does not hold")
                .anySatisfy(problem -> assertThat(problem).contains("dirty"));
        d.dirtyLog().clear(12);
        assertThat(m.hypervisor.audit()).isEmpty();

        m.metrics.adjust(Gauge.PINNED_FRAMES, 1);
        assertThat(m.hypervisor.audit()).anySatisfy(problem -> assertThat(problem).contains("PINNED_FRAMES"));
        m.metrics.adjust(Gauge.PINNED_FRAMES, -1);
        m.metrics.adjust(Gauge.XEN_HEAP_BYTES, -8);
        assertThat(m.hypervisor.audit()).anySatisfy(problem -> assertThat(problem).contains("XEN_HEAP_BYTES"));
        m.metrics.adjust(Gauge.XEN_HEAP_BYTES, 8);
        assertThat(m.hypervisor.audit()).isEmpty();
        d.unpinFrame(2);
    }
}
