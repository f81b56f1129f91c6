package org.xencommlab.hypervisor.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.metrics.Gauge;
import org.xencommlab.hypervisor.HypervisorConfig;
import org.xencommlab.hypervisor.TestingGuestHandleResolver;
import org.xencommlab.hypervisor.TestingMachine;

/**
 * The audit walks the p2m in runs and checks a run whose frames are all the domain's in one step,
 * the domain table lists domains up to a high-water mark, and the frame table counts all owners in
 * one pass: each problem the audit names must still be named, exactly, wherever it lies in a run.
 */
final class TestAuditRuns {
    private static final int PAGE = 4096;

    private final TestingMachine m = new TestingMachine(
            HypervisorConfig.defaults().withMachineMemoryBytes(4096L * PAGE), new TestingGuestHandleResolver(512), Map.of());

    private Domain guest(int domid, long pages, long maxPages) {
        return m.domains.create(DomainSpec.guest(domid, pages * PAGE).withMaxMemoryBytes(maxPages * PAGE));
    }

    @Test
    void aFrameTakenFromInsideALongRunIsNamedAloneWithItsNewOwner() {
        Domain d = guest(1, 2000, 2048);
        assertThat(m.hypervisor.audit()).isEmpty();
        int mfn = (int) d.mfnOf(1500);
        m.machine.put(mfn);
        assertThat(m.machine.allocate(2, 1)).containsExactly(mfn);

        assertThat(d.audit()).containsExactly("d1 gfn 0x5dc maps mfn " + mfn + " owned by 2");
        assertThat(m.hypervisor.audit()).containsExactly(
                "d1 gfn 0x5dc maps mfn " + mfn + " owned by 2",
                "d1 owns 1999 frames but tot_pages is 2000",
                "domains own 1999 frames but 2000 are allocated");
    }

    @Test
    void aFrameFreedAtTheEndOfARunIsNamedAsFree() {
        Domain d = guest(1, 40, 64);
        int mfn = (int) d.mfnOf(39);
        m.machine.put(mfn);
        assertThat(d.audit()).containsExactly(
                "d1 gfn 0x27 maps mfn " + mfn + " owned by -1",
                "d1 gfn 0x27 maps a free frame");
    }

    @Test
    void aPinTakenBehindTheDomainsBackIsCountedInsideARun() {
        Domain d = guest(1, 100, 128);
        assertThat(d.pinFrame(10)).isTrue();
        assertThat(m.hypervisor.audit()).as("a pin taken through the domain recounts").isEmpty();
        int mfn = (int) d.mfnOf(70);
        assertThat(m.machine.get(mfn, 1)).isTrue();
        assertThat(d.audit()).containsExactly("d1 pinned 1 but 2 frames hold pins");
        assertThat(m.hypervisor.audit()).contains("d1 pinned 1 but 2 frames hold pins");
        m.machine.put(mfn);
        d.unpinFrame(10);
        assertThat(m.hypervisor.audit()).isEmpty();
    }

    @Test
    void everyEntryOfEveryRunIsCountedAgainstTotPages() throws ReflectiveOperationException {
        Domain d = guest(1, 8, 64);
        int[] extra = m.machine.allocate(1, 1);
        p2mOf(d).set(40, extra[0]);
        assertThat(d.audit()).containsExactly("d1 tot_pages 8 but 9 populated and 0 unmapped");
        assertThat(m.hypervisor.audit()).contains("d1 owns 9 frames but tot_pages is 8");
    }

    @Test
    void anUnmappedFrameFreedBehindTheDomainsBackIsNamed() {
        Domain d = guest(1, 4, 16);
        int mfn = (int) d.allocateUnmapped(0, false);
        assertThat(m.hypervisor.audit()).isEmpty();
        m.machine.put(mfn);
        assertThat(d.audit()).containsExactly("d1 unmapped mfn " + mfn + " is owned by -1 with 0 references");
    }

    @Test
    void aScatteredP2mIsCheckedEntryByEntry() throws ReflectiveOperationException {
        Domain d = guest(1, 64, 1024);
        // Give back every other frame and populate elsewhere: the p2m's chunk becomes explicit
        // and its mfns no longer follow the gfns.
        for (long gfn = 0; gfn < 64; gfn += 2) {
            d.decreaseReservation(gfn, 0);
        }
        for (long gfn = 900; gfn < 932; gfn++) {
            d.populatePhysmap(gfn, 0);
        }
        assertThat(p2mOf(d).explicitChunks()).isPositive();
        assertThat(m.hypervisor.audit()).isEmpty();
        int mfn = (int) d.mfnOf(915);
        m.machine.put(mfn);
        assertThat(m.machine.allocate(3, 1)).containsExactly(mfn);
        assertThat(d.audit()).containsExactly("d1 gfn 0x393 maps mfn " + mfn + " owned by 3");
    }

    @Test
    void theDomainListFollowsCreationAndDestructionAtAnyDomid() {
        assertThat(m.domains.domains()).isEmpty();
        guest(300, 1, 1);
        guest(5, 1, 1);
        guest(7000, 1, 1);
        assertThat(m.domains.domains()).extracting(Domain::domid).containsExactly(5, 300, 7000);
        assertThat(m.domains.destroy(7000)).isTrue();
        assertThat(m.domains.domains()).extracting(Domain::domid).containsExactly(5, 300);
        guest(DomainTable.DOMID_FIRST_RESERVED - 1, 1, 1);
        assertThat(m.domains.domains()).extracting(Domain::domid)
                .containsExactly(5, 300, DomainTable.DOMID_FIRST_RESERVED - 1);
        assertThat(m.domains.destroy(DomainTable.DOMID_FIRST_RESERVED - 1)).isTrue();
        assertThat(m.domains.destroy(300)).isTrue();
        assertThat(m.domains.destroy(5)).isTrue();
        assertThat(m.domains.domains()).isEmpty();
        guest(2, 1, 1);
        assertThat(m.domains.domains()).extracting(Domain::domid).containsExactly(2);
        assertThat(m.hypervisor.audit()).isEmpty();
    }

    @Test
    void everyDomainsOwnedFramesAreRecountedInTheOnePass() {
        guest(1, 10, 16);
        Domain d2 = guest(2, 20, 32);
        guest(9, 30, 32);
        assertThat(m.hypervisor.audit()).isEmpty();
        int mfn = (int) d2.mfnOf(3);
        m.machine.put(mfn);
        assertThat(m.machine.allocate(9, 1)).containsExactly(mfn);
        List<String> problems = m.hypervisor.audit();
        assertThat(problems).contains("d2 owns 19 frames but tot_pages is 20", "d9 owns 31 frames but tot_pages is 30")
                .noneMatch(p -> p.startsWith("d1 "))
                .noneMatch(p -> p.startsWith("domains own"));
    }

    @Test
    void theDirtyLogsNextDirtyGfnMatchesItsBits() {
        Domain d = guest(1, 8, 20_000);
        DirtyLog log = d.dirtyLog();
        assertThat(log.nextDirty(0)).isEqualTo(-1);
        long[] marked = {0, 63, 64, 4095, 4096, 4097, 12_345, 19_999};
        for (long gfn : marked) {
            log.mark(gfn);
        }
        long gfn = log.nextDirty(-5);
        for (long expected : marked) {
            assertThat(gfn).isEqualTo(expected);
            gfn = log.nextDirty(gfn + 1);
        }
        assertThat(gfn).isEqualTo(-1);
        assertThat(log.nextDirty(20_000)).isEqualTo(-1);
        assertThat(log.nextDirty(4098)).isEqualTo(12_345);
        for (long g : marked) {
            log.clear(g);
        }
        assertThat(log.nextDirty(0)).isEqualTo(-1);
    }

    private static P2m p2mOf(Domain d) throws ReflectiveOperationException {
        Field field = Domain.class.getDeclaredField("p2m");
        field.setAccessible(true);
        return (P2m) field.get(d);
    }
}
