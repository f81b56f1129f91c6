package org.xencommlab.arch.ppc.registration;

import org.xencommlab.testkit.trace.TestingTrace;
import org.xencommlab.testkit.hypervisor.TestingHeapAccount;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.arch.ppc.reference.PpcMemref;

final class TestRegistrationTable {
    private final TestingHeapAccount heap = new TestingHeapAccount(new TestingHeapAccount.Budget(64L << 20), 64L << 20);
    private final RunMetrics metrics = new RunMetrics();

    private RegistrationTable table(int capacity) {
        return new RegistrationTable(0, capacity, heap, metrics, new TestingTrace());
    }

    private static long register(RegistrationTable table) {
        return table.register(new long[] {5}, gfn -> true, gfn -> {});
    }

    private static boolean resolves(RegistrationTable table, long bufid) {
        try {
            table.lookup(bufid);
            return true;
        } catch (XenException e) {
            return false;
        }
    }

    /** Issue 12, defect 2: a slot reused as often as its generation can count must not bring a stale bufid back. */
    @Test
    void aStaleBufidNeverResolvesAgainHoweverOftenItsSlotIsReused() {
        RegistrationTable table = table(1);
        long stale = register(table);
        table.unregister(stale, gfn -> {});
        for (int i = 0; i <= PpcMemref.MAX_GENERATION; i++) {
            long bufid = register(table);
            if (bufid == stale || resolves(table, stale)) {
                fail("the stale bufid 0x" + Long.toHexString(stale) + " resolves again after " + (i + 1) + " reuses");
            }
            table.unregister(bufid, gfn -> {});
        }
        assertThat(table.liveCount()).isZero();
        assertThat(table.retiredSlots()).as("the slot whose generation would wrap is retired").isEqualTo(1);
        assertThat(table.heapCharged()).isEqualTo(table.recountHeapBytes()).isEqualTo(heap.used())
                .as("only the leaf stays charged").isEqualTo(RegistrationTable.LEAF_HEAP_BYTES);
        // The retired slot is never handed out again: the next registration takes a fresh index.
        long next = register(table);
        assertThat(PpcMemref.index(next)).isEqualTo(1);
        assertThat(resolves(table, stale)).isFalse();
    }

    @Test
    void leavesAreMadeAndChargedOnDemandAndReleasedWithTheTable() {
        RegistrationTable table = table(PpcMemref.MAX_INDEX);
        assertThat(table.leaves()).isZero();
        assertThat(heap.used()).as("an empty table costs no Xen heap").isZero();
        long[] bufids = new long[2 * RegistrationTable.LEAF_SLOTS + 1];
        for (int i = 0; i < bufids.length; i++) {
            bufids[i] = register(table);
        }
        assertThat(table.leaves()).isEqualTo(3);
        long expected = 3 * RegistrationTable.LEAF_HEAP_BYTES + bufids.length * RegistrationTable.chargeFor(1);
        assertThat(heap.used()).isEqualTo(expected).isEqualTo(table.heapCharged()).isEqualTo(table.recountHeapBytes());
        for (long bufid : bufids) {
            assertThat(table.lookup(PpcMemref.withOffset(bufid, 17)).bufid()).isEqualTo(bufid);
        }
        // Freed slots are reused oldest first, without a new leaf.
        table.unregister(bufids[3], gfn -> {});
        table.unregister(bufids[1], gfn -> {});
        assertThat(table.leaves()).isEqualTo(3);
        assertThat(table.liveRegistrations()).hasSize(bufids.length - 2);

        java.util.List<Long> unpinned = new java.util.ArrayList<>();
        table.destroy(unpinned::add);
        assertThat(unpinned).hasSize(bufids.length - 2);
        assertThat(heap.used()).isZero();
        assertThat(table.heapCharged()).isZero().isEqualTo(table.recountHeapBytes());
    }

    @Test
    void aLeafTheHeapRefusesIsEnomemAndChangesNothing() {
        TestingHeapAccount tight = new TestingHeapAccount(new TestingHeapAccount.Budget(1 << 20),
                RegistrationTable.LEAF_HEAP_BYTES + RegistrationTable.chargeFor(1));
        RegistrationTable table = new RegistrationTable(0, 4 * RegistrationTable.LEAF_SLOTS, tight, metrics, new TestingTrace());
        assertThatThrownBy(() -> table.register(new long[] {5, 6}, gfn -> true, gfn -> {}))
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(XenErrno.ENOMEM));
        assertThat(table.leaves()).isZero();
        assertThat(tight.used()).isZero();
        long bufid = table.register(new long[] {5}, gfn -> true, gfn -> {});
        assertThat(table.lookup(bufid).nrPages()).isEqualTo(1);
        assertThat(tight.used()).isEqualTo(table.recountHeapBytes());
    }
}
