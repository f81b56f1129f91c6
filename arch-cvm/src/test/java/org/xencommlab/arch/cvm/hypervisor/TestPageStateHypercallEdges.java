package org.xencommlab.arch.cvm.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.abi.layout.LittleEndian;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.hypercall.GuestCopy;
import org.xencommlab.api.hypercall.HypercallContext;
import org.xencommlab.api.hypercall.XenHeapAccount;
import org.xencommlab.api.memory.GuestPhysicalMemory;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.trace.Trace;
import org.xencommlab.arch.cvm.metrics.CvmMetrics;
import org.xencommlab.arch.cvm.psc.PageStateChange;
import org.xencommlab.arch.cvm.testing.TestingCvm;

/**
 * {@code arch_0} at its edges: missing argument words, frame 0, a descriptor at guest-physical 0
 * and one that ends on its page's last byte, a request already finished, how often it polls for
 * preemption (never before the first entry it does), that it returns what the continuation
 * returns, and a conversion that meets the domain's destruction half way.
 */
final class TestPageStateHypercallEdges {
    private final TestingCvm cvm = new TestingCvm(256);

    /** An entry of the domain that counts its polls, answers them from {@code preempt}, and records a continuation. */
    private final class Entry implements HypercallContext {
        final HypercallContext inner = cvm.context();
        int polls;
        boolean preempt;
        long[] continuation;
        /** Run before the first page is zeroed, once. */
        Runnable beforeZero;

        @Override
        public int domid() {
            return inner.domid();
        }

        @Override
        public int vcpu() {
            return inner.vcpu();
        }

        @Override
        public boolean isPrivileged() {
            return inner.isPrivileged();
        }

        @Override
        public GuestCopy guest() {
            return inner.guest();
        }

        @Override
        public GuestPhysicalMemory memory() {
            GuestPhysicalMemory memory = inner.memory();
            return new GuestPhysicalMemory() {
                @Override
                public int domid() {
                    return memory.domid();
                }

                @Override
                public PageSize pageSize() {
                    return memory.pageSize();
                }

                @Override
                public boolean isRam(long gfn) {
                    return memory.isRam(gfn);
                }

                @Override
                public void read(long address, byte[] dst, int dstOffset, int length) {
                    memory.read(address, dst, dstOffset, length);
                }

                @Override
                public void write(long address, byte[] src, int srcOffset, int length) {
                    memory.write(address, src, srcOffset, length);
                }

                @Override
                public long readLong(long address, ByteOrder order) {
                    return memory.readLong(address, order);
                }

                @Override
                public void writeLong(long address, long value, ByteOrder order) {
                    memory.writeLong(address, value, order);
                }

                @Override
                public void zero(long address, int length) {
                    if (beforeZero != null) {
                        Runnable once = beforeZero;
                        beforeZero = null;
                        once.run();
                    }
                    memory.zero(address, length);
                }
            };
        }

        @Override
        public long pageTableBase() {
            return inner.pageTableBase();
        }

        @Override
        public XenHeapAccount heap() {
            return inner.heap();
        }

        @Override
        public boolean pinFrame(long gfn) {
            return inner.pinFrame(gfn);
        }

        @Override
        public void unpinFrame(long gfn) {
            inner.unpinFrame(gfn);
        }

        @Override
        public boolean preemptionPending() {
            polls++;
            return preempt;
        }

        @Override
        public long createContinuation(long op, long... args) {
            continuation = args.clone();
            return op;
        }

        @Override
        public RunMetrics metrics() {
            return inner.metrics();
        }

        @Override
        public Trace trace() {
            return inner.trace();
        }
    }

    private static List<PageStateChange.PscEntry> shared(long first, int n) {
        List<PageStateChange.PscEntry> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new PageStateChange.PscEntry(first + i, PageStateChange.OP_SHARED));
        }
        return out;
    }

    private void shareFrame(long gfn) {
        assertThat(cvm.pageStateChange(PageStateChange.SUB_OP_PSC_MSR, gfn, PageStateChange.OP_SHARED)).isZero();
    }

    @Test
    void missingArgumentWordsAreReadAsZeroOrNoSubOp() {
        Entry entry = new Entry();
        assertThat(cvm.psc.handle(entry, new long[0])).isEqualTo(XenErrno.ENOSYS.asResult());
        assertThat(cvm.psc.handle(entry, new long[] {PageStateChange.SUB_OP_PSC_MSR})).as("operation 0").isEqualTo(XenErrno.EINVAL.asResult());
        assertThat(cvm.psc.handle(entry, new long[] {PageStateChange.SUB_OP_PSC_MSR, 9})).as("operation 0").isEqualTo(XenErrno.EINVAL.asResult());
        assertThat(cvm.pages.sharedCount()).isZero();
    }

    @Test
    void frameZeroCanBeConvertedAndHoldADescriptorAtAddressZero() {
        shareFrame(0);
        assertThat(cvm.pages.isShared(0)).isTrue();

        cvm.write(0, PageStateChange.encode(shared(10, 2)));
        assertThat(cvm.pageStateChange(PageStateChange.SUB_OP_PSC, 0)).isZero();
        assertThat(cvm.pages.isShared(10)).isTrue();
        assertThat(cvm.pages.isShared(11)).isTrue();
        assertThat(LittleEndian.u16(cvm.read(0, 2), 0)).isEqualTo(2);
    }

    @Test
    void aDescriptorMayEndOnTheLastByteOfItsPage() {
        shareFrame(1);
        long at = (1L << 12) + 4096 - 24; // header and two entries: 24 bytes
        cvm.write(at, PageStateChange.encode(shared(20, 2)));

        assertThat(cvm.pageStateChange(PageStateChange.SUB_OP_PSC, at)).isZero();
        assertThat(cvm.pages.isShared(21)).isTrue();

        cvm.write(at + 8, PageStateChange.encode(shared(30, 2)));
        assertThat(cvm.pageStateChange(PageStateChange.SUB_OP_PSC, at + 8)).as("one entry past the page").isEqualTo(XenErrno.EINVAL.asResult());
        assertThat(cvm.pages.isShared(30)).isFalse();
    }

    @Test
    void aFinishedRequestConvertsNothingAndStaysFinished() {
        shareFrame(1);
        byte[] desc = PageStateChange.encode(shared(40, 3));
        LittleEndian.putU16(desc, 0, 3); // cur_entry = end_entry + 1
        cvm.write(1L << 12, desc);
        long convertedBefore = cvm.metrics.get(CvmMetrics.PAGES_CONVERTED);

        assertThat(cvm.pageStateChange(PageStateChange.SUB_OP_PSC, 1L << 12)).isZero();

        assertThat(cvm.metrics.get(CvmMetrics.PAGES_CONVERTED)).isEqualTo(convertedBefore);
        assertThat(cvm.pages.isShared(40)).isFalse();
        assertThat(LittleEndian.u16(cvm.read(1L << 12, 2), 0)).isEqualTo(3);
    }

    @Test
    void itPollsBeforeEachEntryButTheFirstOfAPass() {
        shareFrame(1);
        cvm.write(1L << 12, PageStateChange.encode(shared(50, 5)));
        Entry entry = new Entry();

        assertThat(cvm.psc.handle(entry, new long[] {PageStateChange.SUB_OP_PSC, 1L << 12})).isZero();

        assertThat(entry.polls).isEqualTo(4);
        assertThat(entry.continuation).isNull();
    }

    @Test
    void aPreemptedPassReturnsTheContinuationAfterOneEntry() {
        shareFrame(1);
        cvm.write(1L << 12, PageStateChange.encode(shared(60, 3)));
        Entry entry = new Entry();
        entry.preempt = true;
        long[] args = {PageStateChange.SUB_OP_PSC, 1L << 12};

        long result = cvm.psc.handle(entry, args);

        assertThat(result).as("what createContinuation answered").isEqualTo(PageStateChange.HYPERCALL);
        assertThat(entry.continuation).containsExactly(args);
        assertThat(entry.polls).isEqualTo(1);
        assertThat(cvm.pages.isShared(60)).isTrue();
        assertThat(cvm.pages.isShared(61)).isFalse();
        assertThat(LittleEndian.u16(cvm.read(1L << 12, 2), 0)).as("cur_entry").isEqualTo(1);
    }

    @Test
    void aConversionThatMeetsTheDomainsDestructionIsEsrchAndUncounted() {
        Entry entry = new Entry();
        entry.beforeZero = () -> cvm.domainState.release(null);

        assertThat(cvm.psc.handle(entry, new long[] {PageStateChange.SUB_OP_PSC_MSR, 70, PageStateChange.OP_SHARED}))
                .isEqualTo(XenErrno.ESRCH.asResult());

        assertThat(cvm.pages.isShared(70)).isFalse();
        assertThat(cvm.metrics.get(CvmMetrics.PAGES_CONVERTED)).isZero();
    }
}
