package org.xencommlab.arch.cvm.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.xencomm.GuestAccessKind;
import org.xencommlab.arch.cvm.metrics.CvmMetrics;
import org.xencommlab.arch.cvm.psc.PageStateChange;
import org.xencommlab.arch.cvm.testing.TestingCvm;

/**
 * A frame the guest converted to shared and then gave back ({@code decrease_reservation}) is
 * reclaimed, as SNP and TDX reclaim it: no reference resolves into its gfn, and a frame populated
 * there later is private until the guest converts it again. This is the sequence the fuzzer's
 * resolution check found on cvm/embedded (arch_0 sharing gfn 0x12, memory_op giving it back, then
 * a memory_op whose argument struct is at gpa 0x12000): the hypervisor's read of that struct must
 * fault, not resolve into a gfn that is not RAM. Also the races: a removal between a conversion's
 * check and its change leaves no state behind.
 */
final class TestGivenBackFrames {
    private static final long GFN = 0x12;
    private static final long GPA = GFN << 12;
    private static final long EFAULT = XenErrno.EFAULT.asResult();
    private static final byte[] STRUCT = "memory_op reservation struct".getBytes(StandardCharsets.US_ASCII);

    private final TestingCvm cvm = new TestingCvm(64);

    private long share(long gfn) {
        return cvm.pageStateChange(PageStateChange.SUB_OP_PSC_MSR, gfn, PageStateChange.OP_SHARED);
    }

    private long translate(long gpa, GuestAccessKind kind) {
        return cvm.domainState.open(cvm.context(), new MemoryReference(gpa), kind).translate(0);
    }

    @Test
    void aSharedFrameGivenBackIsForgottenAndNoReferenceResolvesIntoIt() {
        assertThat(share(GFN)).isZero();
        assertThat(translate(GPA, GuestAccessKind.READ)).isEqualTo(GPA);

        cvm.physmap.decreaseReservation(GFN);

        assertThat(cvm.pages.isShared(GFN)).as("the hardware reclaimed the frame").isFalse();
        assertThat(cvm.pages.sharedCount()).isZero();
        long refusalsBefore = cvm.metrics.get(CvmMetrics.PRIVATE_REFUSALS);
        long faultsBefore = cvm.metrics.get(Counter.HYPERVISOR_FAULTS);
        assertThat(translate(GPA, GuestAccessKind.READ)).isEqualTo(EFAULT);
        assertThat(translate(GPA + 4095, GuestAccessKind.WRITE)).isEqualTo(EFAULT);
        byte[] into = new byte[STRUCT.length];
        assertThat(cvm.copyFromGuest(into, GPA, into.length)).as("no byte of the struct is read").isEqualTo(into.length);
        assertThat(into).containsOnly(0);
        assertThat(cvm.bytesToHypervisor()).isZero();
        assertThat(cvm.metrics.get(CvmMetrics.PRIVATE_REFUSALS) - refusalsBefore).isEqualTo(3);
        assertThat(cvm.metrics.get(Counter.HYPERVISOR_FAULTS) - faultsBefore).isEqualTo(3);
    }

    @Test
    void aFramePopulatedWhereASharedOneWasGivenBackIsPrivateUntilConvertedAgain() {
        assertThat(share(GFN)).isZero();
        cvm.physmap.decreaseReservation(GFN);
        cvm.physmap.populatePhysmap(GFN);
        cvm.write(GPA, STRUCT);

        byte[] into = new byte[STRUCT.length];
        assertThat(cvm.copyFromGuest(into, GPA, into.length)).as("the new frame is private").isEqualTo(into.length);
        assertThat(into).containsOnly(0);
        assertThat(cvm.copyToGuest(GPA, new byte[] {1, 2, 3})).isEqualTo(3);
        assertThat(cvm.read(GPA, STRUCT.length)).as("nothing written").isEqualTo(STRUCT);
        assertThat(cvm.bytesToHypervisor()).isZero();

        long converted = cvm.metrics.get(CvmMetrics.PAGES_CONVERTED);
        assertThat(share(GFN)).isZero();
        assertThat(cvm.metrics.get(CvmMetrics.PAGES_CONVERTED)).as("a real conversion again").isEqualTo(converted + 1);
        assertThat(cvm.read(GPA, STRUCT.length)).as("the conversion zeroed the frame").containsOnly(0);
        cvm.write(GPA, STRUCT);
        assertThat(cvm.copyFromGuest(into, GPA, into.length)).isZero();
        assertThat(into).isEqualTo(STRUCT);
    }

    @Test
    void aGfnThatIsNotRamIsRefusedEvenIfTheTableStillCallsItShared() {
        // Defence in depth: a removal nobody reported (the kit's memory loses the frame directly).
        assertThat(share(GFN)).isZero();
        cvm.memory.removeRam(GFN);
        assertThat(cvm.pages.isShared(GFN)).isTrue();
        long steps = cvm.metrics.get(Counter.TRANSLATION_STEPS);

        assertThat(translate(GPA, GuestAccessKind.READ)).isEqualTo(EFAULT);
        assertThat(cvm.metrics.get(Counter.TRANSLATION_STEPS)).isEqualTo(steps + 1);
        assertThat(cvm.metrics.get(CvmMetrics.PRIVATE_REFUSALS)).isEqualTo(1);
        assertThat(cvm.metrics.get(Counter.HYPERVISOR_FAULTS)).isEqualTo(1);
    }

    @Test
    void onlyTheGivenBackGfnIsForgotten() {
        assertThat(share(GFN)).isZero();
        assertThat(share(GFN + 1)).isZero();
        cvm.physmap.decreaseReservation(GFN + 1);
        assertThat(cvm.pages.isShared(GFN)).isTrue();
        assertThat(cvm.pages.isShared(GFN + 1)).isFalse();
        assertThat(translate(GPA, GuestAccessKind.READ)).isEqualTo(GPA);
    }

    @Test
    void aGfnGivenBackWhileItIsBeingConvertedIsLeftPrivateAndTheConversionFaults() {
        cvm.physmap.afterNextZero(() -> cvm.physmap.decreaseReservation(GFN));
        long converted = cvm.metrics.get(CvmMetrics.PAGES_CONVERTED);

        assertThat(share(GFN)).isEqualTo(EFAULT);

        assertThat(cvm.pages.isShared(GFN)).as("no state for a gfn that is gone").isFalse();
        assertThat(cvm.metrics.get(CvmMetrics.PAGES_CONVERTED)).isEqualTo(converted);
    }

    @Test
    void aGfnGivenBackAndPopulatedAgainWhileItIsBeingConvertedIsConvertedAfresh() {
        cvm.physmap.afterNextZero(() -> {
            cvm.physmap.decreaseReservation(GFN);
            cvm.physmap.populatePhysmap(GFN);
            cvm.write(GPA, STRUCT);
        });

        assertThat(share(GFN)).isZero();

        assertThat(cvm.pages.isShared(GFN)).isTrue();
        assertThat(cvm.read(GPA, STRUCT.length)).as("the new frame was zeroed by its own conversion").containsOnly(0);
        assertThat(cvm.metrics.get(CvmMetrics.PAGES_CONVERTED)).isEqualTo(1);
    }

    @Test
    void aSetIsRefusedIfAnyGfnWasForgottenSinceTheCallersCheck() {
        SharedPages pages = new SharedPages();
        long seen = pages.removals();
        pages.forget(40);
        assertThat(pages.set(GFN, true, seen)).isEqualTo(SharedPages.SetOutcome.STALE);
        assertThat(pages.isShared(GFN)).isFalse();
        assertThat(pages.set(GFN, true, pages.removals())).isEqualTo(SharedPages.SetOutcome.DONE);
        assertThat(pages.isShared(GFN)).isTrue();
        pages.release();
        pages.forget(GFN);
        assertThat(pages.removals()).as("a notice after the release does nothing").isEqualTo(seen + 1);
        assertThat(pages.set(GFN, true, pages.removals())).isEqualTo(SharedPages.SetOutcome.RELEASED);
    }

    @Test
    void aNoticeAfterTheDomainsReleaseChangesNothing() {
        assertThat(share(GFN)).isZero();
        cvm.domainState.release(null);
        cvm.domainState.gfnRemoved(GFN);
        assertThat(cvm.pages.isShared(GFN)).isFalse();
        assertThat(cvm.pages.sharedCount()).isZero();
    }
}
