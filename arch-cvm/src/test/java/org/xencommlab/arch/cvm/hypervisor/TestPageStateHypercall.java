package org.xencommlab.arch.cvm.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.abi.layout.LittleEndian;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.arch.cvm.psc.PageStateChange;
import org.xencommlab.arch.cvm.testing.TestingCvm;
import org.xencommlab.arch.cvm.metrics.CvmMetrics;

final class TestPageStateHypercall {
    private static final byte[] SECRET = "a private secret".getBytes(StandardCharsets.US_ASCII);
    private final TestingCvm cvm = new TestingCvm(1024);
    private static final long GHCB_GFN = 1;

    private void shareGhcb() {
        assertThat(cvm.pageStateChange(PageStateChange.SUB_OP_PSC_MSR, GHCB_GFN, PageStateChange.OP_SHARED)).isZero();
    }

    private long request(List<PageStateChange.PscEntry> entries) {
        cvm.write(GHCB_GFN << 12, PageStateChange.encode(entries));
        return cvm.pageStateChange(PageStateChange.SUB_OP_PSC, GHCB_GFN << 12);
    }

    private int curEntry() {
        return LittleEndian.u16(cvm.read(GHCB_GFN << 12, 2), 0);
    }

    private static List<PageStateChange.PscEntry> shared(long first, int n) {
        List<PageStateChange.PscEntry> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new PageStateChange.PscEntry(first + i, PageStateChange.OP_SHARED));
        }
        return out;
    }

    @Test
    void aReferenceToAPrivatePageIsEfaultCountedAndNoByteMoves() {
        cvm.write(100L << 12, SECRET);
        byte[] into = new byte[SECRET.length];

        long notCopied = cvm.copyFromGuest(into, 100L << 12, SECRET.length);

        assertThat(notCopied).isEqualTo(SECRET.length);
        assertThat(into).containsOnly(0);
        assertThat(cvm.bytesToHypervisor()).isZero();
        assertThat(cvm.metrics.get(CvmMetrics.PRIVATE_REFUSALS)).isEqualTo(1);
        assertThat(cvm.metrics.get(Counter.HYPERVISOR_FAULTS)).isEqualTo(1);

        assertThat(cvm.copyToGuest(100L << 12, new byte[] {1, 2, 3})).isEqualTo(3);
        assertThat(cvm.read(100L << 12, SECRET.length)).isEqualTo(SECRET);
        assertThat(cvm.metrics.get(CvmMetrics.PRIVATE_REFUSALS)).isEqualTo(2);
    }

    @Test
    void aCopyThatRunsIntoAPrivatePageStopsAtItsFirstByte() {
        assertThat(cvm.pageStateChange(PageStateChange.SUB_OP_PSC_MSR, 200, PageStateChange.OP_SHARED)).isZero();
        byte[] into = new byte[100];

        long notCopied = cvm.copyFromGuest(into, (201L << 12) - 50, 100);

        assertThat(notCopied).isEqualTo(50);
        assertThat(cvm.bytesToHypervisor()).isEqualTo(50);
        assertThat(cvm.metrics.get(CvmMetrics.PRIVATE_REFUSALS)).isEqualTo(1);
    }

    @Test
    void aConversionZeroesThePageEitherWay() {
        cvm.write(300L << 12, SECRET);

        assertThat(cvm.pageStateChange(PageStateChange.SUB_OP_PSC_MSR, 300, PageStateChange.OP_SHARED)).isZero();
        assertThat(cvm.read(300L << 12, SECRET.length)).containsOnly(0);
        assertThat(cvm.copyToGuest(300L << 12, SECRET)).isZero();

        assertThat(cvm.pageStateChange(PageStateChange.SUB_OP_PSC_MSR, 300, PageStateChange.OP_PRIVATE)).isZero();
        assertThat(cvm.read(300L << 12, SECRET.length)).as("what the host wrote does not reach private memory").containsOnly(0);
        assertThat(cvm.metrics.get(CvmMetrics.PAGES_CONVERTED)).isEqualTo(2);
        assertThat(cvm.metrics.get(CvmMetrics.CONVERSION_CALLS)).isEqualTo(2);
    }

    @Test
    void aPageAlreadyInTheRequestedStateKeepsItsBytes() {
        cvm.write(301L << 12, SECRET);

        assertThat(cvm.pageStateChange(PageStateChange.SUB_OP_PSC_MSR, 301, PageStateChange.OP_PRIVATE)).isZero();

        assertThat(cvm.read(301L << 12, SECRET.length)).isEqualTo(SECRET);
        assertThat(cvm.metrics.get(CvmMetrics.PAGES_CONVERTED)).isZero();
    }

    @Test
    void aBatchIsDoneWithContinuationsThatAdvanceCurEntry() {
        shareGhcb();
        cvm.preemptEvery = 50;

        assertThat(request(shared(400, 253))).isZero();

        assertThat(curEntry()).isEqualTo(253);
        assertThat(cvm.continuations).isPositive();
        assertThat(cvm.metrics.get(CvmMetrics.PAGES_CONVERTED)).isEqualTo(1 + 253);
        assertThat(cvm.metrics.get(CvmMetrics.CONVERSION_CALLS)).isEqualTo(2 + cvm.continuations);
        for (long gfn = 400; gfn < 653; gfn++) {
            assertThat(cvm.pages.isShared(gfn)).isTrue();
        }
    }

    @Test
    void aFailingEntryStopsTheRequestWithCurEntryOnItAndKeepsWhatWasDone() {
        shareGhcb();
        List<PageStateChange.PscEntry> entries = shared(700, 3);
        entries.add(new PageStateChange.PscEntry(5000, PageStateChange.OP_SHARED)); // not RAM
        entries.addAll(shared(703, 2));

        assertThat(request(entries)).isEqualTo(XenErrno.EFAULT.asResult());

        assertThat(curEntry()).isEqualTo(3);
        assertThat(cvm.pages.isShared(702)).isTrue();
        assertThat(cvm.pages.isShared(703)).isFalse();
    }

    @Test
    void aMalformedEntryIsEinvalWithCurEntryOnIt() {
        shareGhcb();
        byte[] desc = PageStateChange.encode(shared(800, 2));
        LittleEndian.putU64(desc, 16, LittleEndian.u64(desc, 16) | (1L << 56)); // a 2 MiB entry
        cvm.write(GHCB_GFN << 12, desc);

        assertThat(cvm.pageStateChange(PageStateChange.SUB_OP_PSC, GHCB_GFN << 12)).isEqualTo(XenErrno.EINVAL.asResult());

        assertThat(curEntry()).isEqualTo(1);
        assertThat(cvm.pages.isShared(800)).isTrue();
        assertThat(cvm.pages.isShared(801)).isFalse();
    }

    @Test
    void hostileHeadersChangeNothing() {
        shareGhcb();
        cvm.write(900L << 12, SECRET);
        for (int[] header : new int[][] {{0, 253}, {5, 2}, {0xFFFF, 0xFFFF}}) {
            byte[] desc = PageStateChange.encode(shared(900, 1));
            LittleEndian.putU16(desc, 0, header[0]);
            LittleEndian.putU16(desc, 2, header[1]);
            cvm.write(GHCB_GFN << 12, desc);

            assertThat(cvm.pageStateChange(PageStateChange.SUB_OP_PSC, GHCB_GFN << 12)).isEqualTo(XenErrno.EINVAL.asResult());
        }
        byte[] reserved = PageStateChange.encode(shared(900, 1));
        reserved[5] = 1;
        cvm.write(GHCB_GFN << 12, reserved);
        assertThat(cvm.pageStateChange(PageStateChange.SUB_OP_PSC, GHCB_GFN << 12)).isEqualTo(XenErrno.EINVAL.asResult());

        assertThat(cvm.pages.isShared(900)).isFalse();
        assertThat(cvm.read(900L << 12, SECRET.length)).isEqualTo(SECRET);
    }

    @Test
    void aDescriptorThatCrossesItsPageOrSitsInPrivateMemoryIsRefused() {
        shareGhcb();
        long nearEnd = (GHCB_GFN << 12) + 4096 - 16;
        byte[] desc = PageStateChange.encode(shared(950, 2)); // 24 bytes from 16 before the page's end
        cvm.write(nearEnd, Arrays.copyOf(desc, 16));
        assertThat(cvm.pageStateChange(PageStateChange.SUB_OP_PSC, nearEnd)).isEqualTo(XenErrno.EINVAL.asResult());

        cvm.write(960L << 12, PageStateChange.encode(shared(950, 1)));
        assertThat(cvm.pageStateChange(PageStateChange.SUB_OP_PSC, 960L << 12)).isEqualTo(XenErrno.EFAULT.asResult());
        assertThat(cvm.pages.isShared(950)).isFalse();
    }

    @Test
    void unknownSubOpsAndOperationsAreRefused() {
        assertThat(cvm.pageStateChange(7)).isEqualTo(XenErrno.ENOSYS.asResult());
        assertThat(cvm.pageStateChange(PageStateChange.SUB_OP_PSC_MSR, 10, 3)).isEqualTo(XenErrno.EINVAL.asResult());
        assertThat(cvm.pageStateChange(PageStateChange.SUB_OP_PSC_MSR, -1, PageStateChange.OP_SHARED)).isEqualTo(XenErrno.EFAULT.asResult());
        assertThat(cvm.pages.sharedCount()).isZero();
    }

    @Test
    void accessOkRefusesRangesThatWrapOrLeaveThePhysicalAddressSpace() {
        var ref = new org.xencommlab.api.memory.MemoryReference((1L << 52) - 10);
        assertThat(cvm.resolver.accessOk(ref, 0, 10)).isTrue();
        assertThat(cvm.resolver.accessOk(ref, 0, 11)).isFalse();
        assertThat(cvm.resolver.accessOk(ref, Long.MAX_VALUE, 1)).isFalse();
        assertThat(cvm.resolver.accessOk(new org.xencommlab.api.memory.MemoryReference(-1), 0, 1)).isFalse();
    }
}
