package org.xencommlab.arch.ppc.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.metrics.Gauge;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.api.trace.TraceEvent;
import org.xencommlab.api.trace.TraceKind;
import org.xencommlab.arch.ppc.reference.PpcMemref;
import org.xencommlab.testkit.hypervisor.TestingHeapAccount;
import org.xencommlab.testkit.trace.TestingTrace;

/** The registration table at the edges of each bound it checks, and what it reports and traces. */
final class TestRegistrationTableEdges {
    private final TestingHeapAccount heap = new TestingHeapAccount(new TestingHeapAccount.Budget(256L << 20), 256L << 20);
    private final RunMetrics metrics = new RunMetrics();
    private final TestingTrace trace = new TestingTrace();

    private RegistrationTable table(int capacity) {
        return new RegistrationTable(3, capacity, heap, metrics, trace);
    }

    private static XenErrno errnoOf(Runnable action) {
        try {
            action.run();
        } catch (XenException e) {
            return e.errno();
        }
        throw new AssertionError("no XenException");
    }

    @Test
    void aRegistrationHoldsAtMostTheLargestBufferAndFrameZeroIsAFrame() {
        RegistrationTable table = table(4);
        assertThat(table.domid()).isEqualTo(3);
        assertThat(table.capacity()).isEqualTo(4);
        long[] most = new long[PpcMemref.MAX_BUFFER_PAGES];
        long bufid = table.register(most, gfn -> true, gfn -> {});
        assertThat(table.lookup(bufid).nrPages()).isEqualTo(PpcMemref.MAX_BUFFER_PAGES);
        List<Long> unpinned = new ArrayList<>();
        assertThat(errnoOf(() -> table.register(new long[PpcMemref.MAX_BUFFER_PAGES + 1], gfn -> true, unpinned::add)))
                .isEqualTo(XenErrno.E2BIG);
        assertThat(unpinned).isEmpty();
        long zero = table.register(new long[] {0}, gfn -> true, gfn -> {});
        assertThat(table.lookup(zero).gfn(0)).isZero();
        assertThat(errnoOf(() -> table.register(new long[] {4, -1}, gfn -> true, unpinned::add))).isEqualTo(XenErrno.EFAULT);
        assertThat(unpinned).containsExactly(4L);
    }

    @Test
    void unregisteringHandsBackTheRegistrationItRemoved() {
        RegistrationTable table = table(4);
        long bufid = table.register(new long[] {7, 8}, gfn -> true, gfn -> {});
        BufferRegistration live = table.lookup(bufid);
        assertThat(table.isLive(live)).isTrue();
        List<Long> unpinned = new ArrayList<>();
        BufferRegistration removed = table.unregister(bufid, unpinned::add);
        assertThat(removed).isSameAs(live);
        assertThat(removed.bufid()).isEqualTo(bufid);
        assertThat(removed.generation()).isEqualTo(PpcMemref.generation(bufid)).isPositive();
        assertThat(removed.gfns()).containsExactly(7, 8);
        assertThat(unpinned).containsExactly(7L, 8L);
        assertThat(table.isLive(live)).isFalse();
    }

    @Test
    void eachChangeIsTracedWithWhatItChanged() {
        RegistrationTable table = table(4);
        long bufid = table.register(new long[] {7}, gfn -> true, gfn -> {});
        table.register(new long[] {9}, gfn -> true, gfn -> {});
        table.unregister(bufid, gfn -> {});
        table.destroy(gfn -> {});
        List<String> details = trace.events(TraceKind.REGISTRATION).stream().map(TraceEvent::detail).toList();
        assertThat(details).hasSize(4);
        assertThat(details.get(0)).startsWith("register ").contains(Long.toHexString(bufid));
        assertThat(details.get(2)).startsWith("unregister ").contains(Long.toHexString(bufid));
        assertThat(details.get(3)).isEqualTo("destroy table: 1 registrations released");
        assertThat(trace.events(TraceKind.REGISTRATION)).allSatisfy(e -> assertThat(e.domid()).isEqualTo(3));
    }

    @Test
    void aLeafIsReportedReservedWhileTheTableHoldsIt() {
        RegistrationTable table = table(RegistrationTable.LEAF_SLOTS + 1);
        table.register(new long[] {1}, gfn -> true, gfn -> {});
        assertThat(metrics.reserved(Gauge.XEN_HEAP_BYTES)).isEqualTo(RegistrationTable.LEAF_HEAP_BYTES);
        table.register(new long[] {1}, gfn -> true, gfn -> {});
        assertThat(metrics.reserved(Gauge.XEN_HEAP_BYTES)).as("the same leaf").isEqualTo(RegistrationTable.LEAF_HEAP_BYTES);
        for (int i = 2; i <= RegistrationTable.LEAF_SLOTS; i++) {
            table.register(new long[] {1}, gfn -> true, gfn -> {});
        }
        assertThat(metrics.reserved(Gauge.XEN_HEAP_BYTES)).isEqualTo(2 * RegistrationTable.LEAF_HEAP_BYTES);
        table.destroy(gfn -> {});
        assertThat(metrics.reserved(Gauge.XEN_HEAP_BYTES)).isZero();
        assertThat(table.heapCharged()).isZero();
    }

    @Test
    void aBufidOfALeafTheTableNeverMadeIsRefusedNotFollowed() {
        RegistrationTable big = table(RegistrationTable.LEAF_SLOTS + 1);
        long last = 0;
        for (int i = 0; i <= RegistrationTable.LEAF_SLOTS; i++) {
            last = big.register(new long[] {1}, gfn -> true, gfn -> {});
        }
        assertThat(PpcMemref.index(last)).isEqualTo(RegistrationTable.LEAF_SLOTS);
        RegistrationTable small = new RegistrationTable(4, 2 * RegistrationTable.LEAF_SLOTS, heap, metrics, trace);
        assertThat(small.isLive(big.lookup(last))).isFalse();
        long foreign = last;
        assertThat(errnoOf(() -> small.lookup(foreign))).isEqualTo(XenErrno.ENOENT);
    }

    @Test
    void aBufidAtOrBeyondTheCapacityIsInvalidAndBelowItUnknown() {
        RegistrationTable table = table(4);
        assertThat(errnoOf(() -> table.lookup(PpcMemref.bufid(1, 4)))).isEqualTo(XenErrno.EINVAL);
        assertThat(errnoOf(() -> table.lookup(PpcMemref.bufid(1, 3)))).isEqualTo(XenErrno.ENOENT);
        assertThat(errnoOf(() -> table.lookup(3L << PpcMemref.INDEX_SHIFT)))
                .as("generation 0").isEqualTo(XenErrno.EINVAL);
        assertThat(errnoOf(() -> table.lookup(PpcMemref.inline(0x1000)))).isEqualTo(XenErrno.EINVAL);
        assertThatThrownBy(() -> table.unregister(PpcMemref.bufid(1, 0) | 8, gfn -> {})).isInstanceOf(XenException.class);
    }
}
