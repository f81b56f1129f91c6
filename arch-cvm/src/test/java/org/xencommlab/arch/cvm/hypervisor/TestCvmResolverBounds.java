package org.xencommlab.arch.cvm.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.hypercall.HypercallNumber;
import org.xencommlab.api.hypercall.XenHeapAccount;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.api.xencomm.DomainTeardown;
import org.xencommlab.api.xencomm.GuestAccessKind;
import org.xencommlab.api.xencomm.GuestRegion;
import org.xencommlab.arch.cvm.metrics.CvmMetrics;
import org.xencommlab.arch.cvm.psc.PageStateChange;
import org.xencommlab.arch.cvm.testing.TestingCvm;

/**
 * The cvm resolver's guest-physical bounds, byte by byte at their edges: {@code access_ok}, a
 * region's translation and {@code advance} at address 0 and at 2^52, the first address that is
 * not one. An address outside the 52 bits is refused before any page state is looked up (nothing
 * is counted); one inside is looked up once (a translation step) and refused only if private.
 * After the domain's state is released, nothing is shared, every open is ESRCH and {@code arch_0}
 * is ESRCH.
 */
final class TestCvmResolverBounds {
    private static final long LIMIT = 1L << CvmGuestHandleResolver.PHYSICAL_ADDRESS_BITS;
    private static final long EFAULT = XenErrno.EFAULT.asResult();

    private final TestingCvm cvm = new TestingCvm(64);

    private GuestRegion region(long base) {
        return cvm.domainState.open(cvm.context(), new MemoryReference(base), GuestAccessKind.READ);
    }

    private long steps() {
        return cvm.metrics.get(Counter.TRANSLATION_STEPS);
    }

    @Test
    void accessOkAcceptsTheEmptyRangeAtZeroAndRangesThatEndAtTheLimit() {
        var resolver = cvm.resolver;
        assertThat(resolver.accessOk(MemoryReference.NULL, 0, 0)).isTrue();
        assertThat(resolver.accessOk(MemoryReference.NULL, LIMIT, 0)).isTrue();
        assertThat(resolver.accessOk(MemoryReference.NULL, 0, LIMIT)).isTrue();
        assertThat(resolver.accessOk(new MemoryReference(LIMIT), 0, 0)).isTrue();
        assertThat(resolver.accessOk(new MemoryReference(LIMIT - 10), 5, 5)).isTrue();
    }

    @Test
    void accessOkRefusesEveryRangeThatPassesTheLimitByOneByte() {
        var resolver = cvm.resolver;
        assertThat(resolver.accessOk(MemoryReference.NULL, LIMIT + 1, 0)).isFalse();
        assertThat(resolver.accessOk(MemoryReference.NULL, 0, LIMIT + 1)).isFalse();
        assertThat(resolver.accessOk(new MemoryReference(LIMIT + 1), 0, 0)).isFalse();
        assertThat(resolver.accessOk(new MemoryReference(LIMIT - 10), 5, 6)).isFalse();
        assertThat(resolver.accessOk(new MemoryReference(LIMIT - 10), 6, 5)).isFalse();
        assertThat(resolver.accessOk(MemoryReference.NULL, -1, 1)).isFalse();
        assertThat(resolver.accessOk(MemoryReference.NULL, 0, -1)).isFalse();
    }

    @Test
    void byteZeroOfASharedFrameZeroTranslatesToZero() {
        assertThat(cvm.pageStateChange(PageStateChange.SUB_OP_PSC_MSR, 0, PageStateChange.OP_SHARED)).isZero();

        assertThat(region(0).translate(0)).isZero();
        assertThat(region(0).translate(4095)).isEqualTo(4095);
        assertThat(steps()).as("one lookup per translation").isEqualTo(2);
        assertThat(cvm.metrics.get(CvmMetrics.PRIVATE_REFUSALS)).isZero();
    }

    @Test
    void addressesOutsideThe52BitsAreRefusedWithoutALookup() {
        assertThat(region(-1).translate(0)).isEqualTo(EFAULT);
        assertThat(region(0).translate(-1)).isEqualTo(EFAULT);
        assertThat(region(0).translate(LIMIT)).isEqualTo(EFAULT);
        assertThat(region(LIMIT).translate(0)).isEqualTo(EFAULT);
        assertThat(region(LIMIT - 4096).translate(4096)).isEqualTo(EFAULT);
        assertThat(region(LIMIT - 1).translate(1)).isEqualTo(EFAULT);
        assertThat(steps()).isZero();
        assertThat(cvm.metrics.get(CvmMetrics.PRIVATE_REFUSALS)).isZero();
        assertThat(cvm.metrics.get(Counter.HYPERVISOR_FAULTS)).isZero();
    }

    @Test
    void theLastAddressBelowTheLimitIsLookedUpAndRefusedAsPrivate() {
        assertThat(region(0).translate(LIMIT - 1)).isEqualTo(EFAULT);
        assertThat(region(LIMIT - 1).translate(0)).isEqualTo(EFAULT);
        assertThat(steps()).isEqualTo(2);
        assertThat(cvm.metrics.get(CvmMetrics.PRIVATE_REFUSALS)).isEqualTo(2);
        assertThat(cvm.metrics.get(Counter.HYPERVISOR_FAULTS)).isEqualTo(2);
    }

    @Test
    void advanceAddsUpToTheLimitAndNotOneByteFurther() {
        var state = cvm.domainState;
        var context = cvm.context();
        assertThat(state.advance(context, MemoryReference.NULL, 0).value()).isZero();
        assertThat(state.advance(context, MemoryReference.NULL, LIMIT).value()).isEqualTo(LIMIT);
        assertThat(state.advance(context, new MemoryReference(LIMIT - 1), 1).value()).isEqualTo(LIMIT);
        assertThat(state.advance(context, new MemoryReference(0x1000), 0x20).value()).isEqualTo(0x1020);

        for (long[] refused : new long[][] {{LIMIT - 1, 2}, {LIMIT, 0}, {0, LIMIT + 1}, {-1, 0}, {0, -1}}) {
            assertThatThrownBy(() -> state.advance(context, new MemoryReference(refused[0]), refused[1]))
                    .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(XenErrno.EFAULT));
        }
    }

    @Test
    void onlyArch0IsTheDomainsOwnHypercall() {
        assertThat(cvm.domainState.hypercall(PageStateChange.HYPERCALL)).isSameAs(cvm.psc);
        assertThat(cvm.domainState.hypercall(HypercallNumber.ARCH_0 + 1)).isNull();
    }

    @Test
    void aReleasedDomainSharesNothingAndRefusesEveryAccessWithEsrch() {
        assertThat(cvm.pageStateChange(PageStateChange.SUB_OP_PSC_MSR, 5, PageStateChange.OP_SHARED)).isZero();
        assertThat(cvm.pages.isReleased()).isFalse();

        cvm.domainState.release(new DomainTeardown() {
            @Override
            public void unpinFrame(long frame) {
                throw new AssertionError("cvm pins nothing");
            }

            @Override
            public XenHeapAccount heap() {
                throw new AssertionError("cvm charges nothing");
            }
        });

        assertThat(cvm.pages.isReleased()).isTrue();
        assertThat(cvm.pages.isShared(5)).isFalse();
        assertThat(cvm.pages.sharedCount()).as("the table is emptied").isZero();
        assertThat(cvm.pages.set(6, true)).as("nothing can be set any more").isFalse();
        assertThat(cvm.pages.sharedCount()).isZero();
        assertThatThrownBy(() -> region(5L << 12))
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(XenErrno.ESRCH));
        assertThat(cvm.pageStateChange(PageStateChange.SUB_OP_PSC_MSR, 7, PageStateChange.OP_SHARED)).isEqualTo(XenErrno.ESRCH.asResult());
        assertThat(cvm.metrics.get(CvmMetrics.CONVERSION_CALLS)).as("a refused call is no conversion").isEqualTo(1);
    }
}
