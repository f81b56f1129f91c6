package org.xencommlab.arch.ppc.hypervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.xencommlab.arch.ppc.testing.TestingRegistrar.copyFrom;
import static org.xencommlab.arch.ppc.testing.TestingRegistrar.copyTo;
import static org.xencommlab.arch.ppc.testing.TestingRegistrar.pattern;
import static org.xencommlab.arch.ppc.testing.TestingRegistrar.register;
import static org.xencommlab.arch.ppc.testing.TestingRegistrar.unregister;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.memory.MemoryReference;
import org.xencommlab.api.metrics.Counter;
import org.xencommlab.arch.ppc.metrics.PpcMetrics;
import org.xencommlab.api.metrics.Gauge;
import org.xencommlab.api.xencomm.GuestAccessKind;
import org.xencommlab.api.xencomm.GuestRegion;
import org.xencommlab.arch.ppc.PpcConfig;
import org.xencommlab.arch.ppc.reference.PpcMemref;
import org.xencommlab.arch.ppc.registration.RegistrationOp;
import org.xencommlab.arch.ppc.registration.RegistrationTable;
import org.xencommlab.arch.ppc.testing.TestingDomain;
import org.xencommlab.arch.ppc.testing.TestingMachine;

final class TestRegistrationHypercall {
    private static final int PAGE = 4096;
    private static final long QUOTA = 1 << 20;

    private final TestingMachine machine = new TestingMachine(PpcConfig.defaults().withMaxRegistrations(8));
    private final TestingDomain dom0 = machine.createDomain(0, 256, QUOTA);
    private final TestingDomain dom1 = machine.createDomain(1, 256, QUOTA);

    @Test
    void aBufferOverNonContiguousFramesIsCopiedPieceByPiece() {
        long[] gfns = {40, 17, 99};
        byte[] expected = pattern(3, 3 * PAGE);
        for (int i = 0; i < gfns.length; i++) {
            dom0.memory().write(gfns[i] * PAGE, expected, i * PAGE, PAGE);
        }
        long bufid = register(machine, 0, gfns);
        assertThat(bufid).isPositive();
        assertThat(PpcMemref.offset(bufid)).isZero();

        byte[] read = copyFrom(machine, 0, PpcMemref.withOffset(bufid, 50), 0, 3 * PAGE - 100);
        assertThat(read).isEqualTo(java.util.Arrays.copyOfRange(expected, 50, 3 * PAGE - 50));
        // guest_handle_add_offset: the copy's own offset adds to the reference's.
        assertThat(copyFrom(machine, 0, PpcMemref.withOffset(bufid, 50), PAGE, 10))
                .isEqualTo(java.util.Arrays.copyOfRange(expected, PAGE + 50, PAGE + 60));

        byte[] written = pattern(9, 200);
        assertThat(copyTo(machine, 0, PpcMemref.withOffset(bufid, 2 * PAGE - 100), 0, written)).isZero();
        assertThat(dom0.memory().readBytes(17 * PAGE + PAGE - 100, 100)).isEqualTo(java.util.Arrays.copyOfRange(written, 0, 100));
        assertThat(dom0.memory().readBytes(99 * PAGE, 100)).isEqualTo(java.util.Arrays.copyOfRange(written, 100, 200));

        assertThat(machine.metrics().get(PpcMetrics.REGISTRATIONS)).isEqualTo(1);
        assertThat(machine.metrics().current(Gauge.REGISTRATIONS_LIVE)).isEqualTo(1);
        assertThat(machine.metrics().get(Counter.TRANSLATION_STEPS)).isPositive();
        assertThat(dom0.pins(40)).isEqualTo(1);
        assertThat(dom0.pins(17)).isEqualTo(1);
        assertThat(dom0.pins(99)).isEqualTo(1);
        assertThat(dom0.heap().used() - RegistrationTable.LEAF_HEAP_BYTES).isEqualTo(RegistrationTable.chargeFor(3)).isEqualTo(64 + 24);
        assertThat(machine.foreignReaches()).isZero();
    }

    @Test
    void aStaleBufidIsRefusedAndNeverReachesTheBufferThatReusedItsSlot() {
        TestingMachine small = new TestingMachine(PpcConfig.defaults().withMaxRegistrations(1));
        TestingDomain domain = small.createDomain(0, 64, QUOTA);
        domain.memory().write(20L * PAGE, pattern(1, PAGE), 0, PAGE);
        domain.memory().write(21L * PAGE, pattern(2, PAGE), 0, PAGE);
        long stale = register(small, 0, 20);
        assertThat(unregister(small, 0, stale)).isZero();
        long fresh = register(small, 0, 21);
        assertThat(PpcMemref.index(fresh)).isEqualTo(PpcMemref.index(stale));
        assertThat(PpcMemref.generation(fresh)).isEqualTo(PpcMemref.generation(stale) + 1);

        assertThat(copyFrom(small, 0, stale, 0, 16)).isNull();
        assertThatThrownBy(() -> small.domain(0).archState().open(small.context(0), new MemoryReference(stale), GuestAccessKind.READ))
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(XenErrno.ENOENT));
        assertThat(unregister(small, 0, stale)).isEqualTo(XenErrno.ENOENT.asResult());
        assertThat(copyFrom(small, 0, fresh, 0, 16)).isEqualTo(java.util.Arrays.copyOf(pattern(2, PAGE), 16));
    }

    @Test
    void anotherDomainsBufidNamesNothingOfTheirsInThisDomain() {
        // A bufid carries no domid: it is looked up only in the caller's own table. dom1's first
        // bufid names slot 0 at generation 1; in dom0, which has no registration yet, that is ENOENT.
        long bufid = register(machine, 1, 30);
        assertThat(bufid).isPositive();
        assertThatThrownBy(() -> machine.domain(0).archState().open(machine.context(0), new MemoryReference(bufid), GuestAccessKind.READ))
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(XenErrno.ENOENT));
        assertThat(copyFrom(machine, 0, bufid, 0, 8)).isNull();
        assertThat(unregister(machine, 0, bufid)).isEqualTo(XenErrno.ENOENT.asResult());
        // Once dom0 holds the same bufid, it names dom0's own buffer (frame 31), never dom1's frame 30.
        byte[] mine = pattern(4, PAGE);
        dom0.memory().write(31L * PAGE, mine, 0, PAGE);
        assertThat(register(machine, 0, 31)).isEqualTo(bufid);
        assertThat(copyFrom(machine, 0, bufid, 0, 8)).isEqualTo(java.util.Arrays.copyOf(mine, 8));
        assertThat(machine.foreignReaches()).isZero();
        assertThat(dom1.pins(30)).isEqualTo(1);
        assertThat(unregister(machine, 1, bufid)).isZero();
        assertThat(dom1.pins(30)).isZero();
    }

    @Test
    void forgedBufidsAreRefusedAndChangeNothing() {
        long bufid = register(machine, 0, 30, 31);
        long heap = dom0.heap().used();
        long[] einval = {
            PpcMemref.INLINE_FLAG | bufid,                      // inline flag on a bufid
            bufid & ~(((long) PpcMemref.MAX_GENERATION) << PpcMemref.GENERATION_SHIFT), // generation 0
            PpcMemref.bufid(1, 8),                              // index beyond the table of 8
            PpcMemref.bufid(1, PpcMemref.MAX_INDEX - 1),
            bufid | 1,                                          // offset bits on an unregister
        };
        for (long forged : einval) {
            assertThat(unregister(machine, 0, forged)).as("0x%x", forged).isEqualTo(XenErrno.EINVAL.asResult());
        }
        long neverIssued = PpcMemref.bufid(5, 6);
        assertThat(unregister(machine, 0, neverIssued)).isEqualTo(XenErrno.ENOENT.asResult());
        assertThat(copyFrom(machine, 0, neverIssued, 0, 1)).isNull();
        assertThat(copyFrom(machine, 0, PpcMemref.bufid(1, 8), 0, 1)).isNull();
        assertThat(dom0.heap().used()).isEqualTo(heap);
        assertThat(dom0.pins(30)).isEqualTo(1);
        assertThat(table(dom0).liveCount()).isEqualTo(1);
    }

    @Test
    void offsetsAndLengthsPastTheBufferFault() throws Exception {
        dom0.memory().write(50L * PAGE, pattern(5, PAGE), 0, PAGE);
        long bufid = register(machine, 0, 50);
        assertThat(copyFrom(machine, 0, bufid, PAGE, 1)).isNull();
        assertThat(copyFrom(machine, 0, PpcMemref.withOffset(bufid, PAGE - 1), 0, 1)).hasSize(1);
        assertThat(copyFrom(machine, 0, PpcMemref.withOffset(bufid, PAGE - 1), 0, 2)).isNull();
        // An offset beyond a one-page buffer in the reference itself.
        assertThat(copyFrom(machine, 0, PpcMemref.withOffset(bufid, PAGE), 0, 1)).isNull();
        byte[] dst = new byte[100];
        long notCopied = machine.context(0).guest().copyFromGuest(dst, 0, new MemoryReference(bufid), PAGE - 40, 100);
        assertThat(notCopied).isEqualTo(60);
        assertThat(java.util.Arrays.copyOf(dst, 40)).isEqualTo(java.util.Arrays.copyOfRange(pattern(5, PAGE), PAGE - 40, PAGE));

        GuestRegion region = machine.domain(0).archState().open(machine.context(0), new MemoryReference(bufid), GuestAccessKind.READ);
        for (long offset : new long[] {-1, PAGE, Long.MAX_VALUE, Long.MIN_VALUE}) {
            assertThat(region.translate(offset)).isEqualTo(XenErrno.EFAULT.asResult());
        }
        assertThat(region.translate(PAGE - 1)).isEqualTo(50L * PAGE + PAGE - 1);
    }

    @Test
    void doubleUnregistrationIsRefused() {
        long bufid = register(machine, 0, 30);
        assertThat(unregister(machine, 0, bufid)).isZero();
        assertThat(unregister(machine, 0, bufid)).isEqualTo(XenErrno.ENOENT.asResult());
        assertThat(dom0.pins(30)).isZero();
        assertThat(machine.metrics().get(PpcMetrics.UNREGISTRATIONS)).isEqualTo(1);
        assertThat(machine.metrics().current(Gauge.REGISTRATIONS_LIVE)).isZero();
    }

    @Test
    void framesTheDomainDoesNotHoldAreRefusedWithNothingPinned() {
        assertThat(dom0.balloonOut(77)).isTrue();
        long[][] bad = {{30, 256}, {30, 31, 77}, {-5}, {30, Long.MAX_VALUE}, {30, 1L << 40}};
        for (long[] gfns : bad) {
            assertThat(register(machine, 0, gfns)).isEqualTo(XenErrno.EFAULT.asResult());
        }
        assertThat(dom0.totalPins()).isZero();
        assertThat(dom0.heap().used()).isZero();
        assertThat(table(dom0).liveCount()).isZero();
        assertThat(machine.metrics().get(PpcMetrics.REGISTRATIONS)).isZero();
    }

    @Test
    void badArgumentWordsAreRefused() {
        long list = PpcMemref.inline(0x1000);
        assertThat(machine.hypercall(0, RegistrationOp.HYPERCALL, RegistrationOp.REGISTER, list, 0)).isEqualTo(XenErrno.EINVAL.asResult());
        assertThat(machine.hypercall(0, RegistrationOp.HYPERCALL, RegistrationOp.REGISTER, list, -1)).isEqualTo(XenErrno.EINVAL.asResult());
        assertThat(machine.hypercall(0, RegistrationOp.HYPERCALL, RegistrationOp.REGISTER, list, 4097)).isEqualTo(XenErrno.E2BIG.asResult());
        assertThat(machine.hypercall(0, RegistrationOp.HYPERCALL, RegistrationOp.REGISTER, 0x1000, 1)).isEqualTo(XenErrno.EINVAL.asResult());
        // A list in memory the domain does not hold.
        assertThat(machine.hypercall(0, RegistrationOp.HYPERCALL, RegistrationOp.REGISTER, PpcMemref.inline(300L * PAGE), 1))
                .isEqualTo(XenErrno.EFAULT.asResult());
        assertThat(machine.hypercall(0, RegistrationOp.HYPERCALL, RegistrationOp.REGISTER, PpcMemref.inline(255L * PAGE + 4088), 2))
                .isEqualTo(XenErrno.EFAULT.asResult());
        assertThat(machine.hypercall(0, RegistrationOp.HYPERCALL, 2)).isEqualTo(XenErrno.ENOSYS.asResult());
        assertThat(machine.hypercall(0, RegistrationOp.HYPERCALL, -1)).isEqualTo(XenErrno.ENOSYS.asResult());
        assertThat(dom0.totalPins()).isZero();
        assertThat(dom0.heap().used()).isZero();
    }

    @Test
    void aFullTableIsEnospcAndAQuotaThatSaysNoIsEnomem() {
        for (int i = 0; i < 8; i++) {
            assertThat(register(machine, 0, 20 + i)).isPositive();
        }
        assertThat(register(machine, 0, 40)).isEqualTo(XenErrno.ENOSPC.asResult());
        assertThat(dom0.pins(40)).isZero();
        assertThat(table(dom0).liveCount()).isEqualTo(8);

        long oneRegistration = RegistrationTable.chargeFor(1);
        TestingDomain tight = machine.createDomain(2, 64, RegistrationTable.LEAF_HEAP_BYTES + 2 * oneRegistration + 10);
        assertThat(register(machine, 2, 20)).isPositive();
        assertThat(register(machine, 2, 21)).isPositive();
        assertThat(register(machine, 2, 22)).isEqualTo(XenErrno.ENOMEM.asResult());
        assertThat(tight.heap().used()).isEqualTo(RegistrationTable.LEAF_HEAP_BYTES + 2 * oneRegistration);
        assertThat(tight.pins(22)).isZero();
        assertThat(table(tight).heapCharged()).isEqualTo(table(tight).recountHeapBytes()).isEqualTo(RegistrationTable.LEAF_HEAP_BYTES + 2 * oneRegistration);
        assertThat(machine.metrics().errors(XenErrno.ENOSPC)).isEqualTo(1);
        assertThat(machine.metrics().errors(XenErrno.ENOMEM)).isEqualTo(1);
    }

    @Test
    void theMailsInterleavingWorksWithAnyNumberOfBuffers() {
        for (int n : new int[] {1, 3}) {
            List<Long> tool = new ArrayList<>();
            List<Long> balloon = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                tool.add(register(machine, 0, 100 + i));             // dom0 tool: register buffer
            }
            for (int i = 0; i < n; i++) {
                balloon.add(register(machine, 0, 120 + i));          // balloon driver: register buffer
            }
            for (int i = 0; i < n; i++) {
                dom0.memory().write((100L + i) * PAGE, pattern(i, 8), 0, 8);
                assertThat(copyFrom(machine, 0, tool.get(i), 0, 8)).isEqualTo(pattern(i, 8));
            }
            for (long bufid : balloon) {
                assertThat(unregister(machine, 0, bufid)).isZero(); // balloon driver: unregister buffer
            }
            for (int i = 0; i < n; i++) {
                assertThat(copyFrom(machine, 0, tool.get(i), 0, 8)).isEqualTo(pattern(i, 8));
                assertThat(unregister(machine, 0, tool.get(i))).isZero(); // dom0 tool: unregister buffer
            }
        }
        assertThat(table(dom0).liveCount()).isZero();
        assertThat(dom0.heap().used()).isEqualTo(RegistrationTable.LEAF_HEAP_BYTES);
        assertThat(dom0.totalPins()).isZero();
    }

    @Test
    void registeredFramesCannotBeBalloonedAwayUntilUnregistered() {
        long bufid = register(machine, 0, 60);
        assertThat(dom0.balloonOut(60)).isFalse();
        assertThat(unregister(machine, 0, bufid)).isZero();
        assertThat(dom0.balloonOut(60)).isTrue();
        assertThat(register(machine, 0, 60)).isEqualTo(XenErrno.EFAULT.asResult());
    }

    @Test
    void destroyingTheDomainReleasesEveryRegistrationPinAndCharge() {
        register(machine, 1, 30, 31);
        register(machine, 1, 32);
        assertThat(dom1.heap().used()).isPositive();
        machine.destroyDomain(1);
        assertThat(dom1.heap().used()).isZero();
        assertThat(dom1.totalPins()).isZero();
        assertThat(machine.metrics().current(Gauge.REGISTRATIONS_LIVE)).isZero();
        assertThat(machine.metrics().get(PpcMetrics.UNREGISTRATIONS)).isEqualTo(2);
        assertThatThrownBy(() -> table(dom1).register(new long[] {30}, g -> true, g -> {}))
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(XenErrno.ESRCH));
    }

    @Test
    void inlineReferencesNeedNoRegistrationButStopAtMemoryTheDomainDoesNotHold() {
        dom0.memory().write(254L * PAGE, pattern(8, PAGE), 0, PAGE);
        long inline = PpcMemref.inline(254L * PAGE + 100);
        assertThat(copyFrom(machine, 0, inline, 0, 64)).isEqualTo(java.util.Arrays.copyOfRange(pattern(8, PAGE), 100, 164));
        byte[] dst = new byte[2 * PAGE];
        long notCopied = machine.context(0).guest().copyFromGuest(dst, 0, new MemoryReference(inline), 0, 2 * PAGE);
        assertThat(notCopied).isEqualTo(2 * PAGE - (PAGE - 100) - PAGE); // frame 255 is RAM, 256 is not
        GuestRegion region = machine.domain(0).archState().open(machine.context(0), new MemoryReference(PpcMemref.inline(Long.MAX_VALUE - 10)), GuestAccessKind.READ);
        assertThat(region.translate(0)).isEqualTo(XenErrno.EFAULT.asResult());
        assertThat(region.translate(100)).isEqualTo(XenErrno.EFAULT.asResult());
        assertThat(region.translate(-1)).isEqualTo(XenErrno.EFAULT.asResult());
    }

    @Test
    void theNullReferenceFaultsOnAnyByte() {
        GuestRegion region = machine.domain(0).archState().open(machine.context(0), MemoryReference.NULL, GuestAccessKind.READ);
        assertThat(region.translate(0)).isEqualTo(XenErrno.EFAULT.asResult());
        assertThat(copyFrom(machine, 0, 0, 0, 0)).isEmpty();
        assertThat(copyFrom(machine, 0, 0, 0, 1)).isNull();
    }

    @Test
    void accountingIsRecountableAfterAnyMixOfCalls() {
        List<Long> live = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            long result = register(machine, 0, 20 + (i % 5), 30 + i);
            if (result > 0) {
                live.add(result);
            }
            if (i % 3 == 2) {
                assertThat(unregister(machine, 0, live.remove(0))).isZero();
            }
            RegistrationTable table = table(dom0);
            assertThat(table.heapCharged()).isEqualTo(table.recountHeapBytes()).isEqualTo(dom0.heap().used());
            assertThat(table.liveRegistrations()).hasSize(live.size());
        }
    }

    private static RegistrationTable table(TestingDomain domain) {
        return domain.archState().registrationTable();
    }
}
