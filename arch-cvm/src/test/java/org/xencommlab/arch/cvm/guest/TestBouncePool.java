package org.xencommlab.arch.cvm.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.errno.XenErrno;
import org.xencommlab.api.errno.XenException;
import org.xencommlab.api.kernel.KernelBlock;
import org.xencommlab.api.metrics.RunMetrics;
import org.xencommlab.arch.cvm.CvmConfig;
import org.xencommlab.arch.cvm.metrics.CvmMetrics;

final class TestBouncePool {
    private final RunMetrics metrics = new RunMetrics();

    private BouncePool pool(int pages) {
        return new BouncePool(new KernelBlock(0xffff_8880_0010_0000L, 0x10_0000L, pages * 4096), metrics);
    }

    @Test
    void slotsAreTwoKibAndAMappingTakesWholeContiguousSlots() {
        BouncePool pool = pool(64);
        assertThat(pool.slots()).isEqualTo(128);

        BounceMapping a = pool.map(1);
        BounceMapping b = pool.map(2049);

        assertThat(a.slots()).isEqualTo(1);
        assertThat(b.slots()).isEqualTo(2);
        assertThat(b.physicalAddress()).isEqualTo(0x10_0000L + CvmConfig.SLOT_BYTES);
        assertThat(b.block().length()).isEqualTo(2 * CvmConfig.SLOT_BYTES);
        assertThat(pool.slotsInUse()).isEqualTo(3);
    }

    @Test
    void oneMappingTakesAtMost128SlotsAndOneMoreIsE2big() {
        BouncePool pool = pool(256);

        BounceMapping largest = pool.map(128 * CvmConfig.SLOT_BYTES);
        assertThat(largest.slots()).isEqualTo(CvmConfig.MAX_SLOTS_PER_MAPPING);

        assertThatThrownBy(() -> pool.map(128 * CvmConfig.SLOT_BYTES + 1))
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(XenErrno.E2BIG))
                .hasMessageContaining("exceeds 128 slots (262144 bytes)");
        assertThat(pool.slotsInUse()).isEqualTo(128);
    }

    @Test
    void aFullPoolFailsAtOnceWithEnomemAndAClearMessageAndChangesNothing() {
        BouncePool pool = pool(64);
        pool.map(CvmConfig.SLOT_BYTES);

        assertThatThrownBy(() -> pool.map(128 * CvmConfig.SLOT_BYTES))
                .isInstanceOfSatisfying(XenException.class, e -> assertThat(e.errno()).isEqualTo(XenErrno.ENOMEM))
                .hasMessageContaining("bounce pool full: 262144 bytes, 1 of 128 slots used");
        assertThat(pool.slotsInUse()).isEqualTo(1);
        assertThat(metrics.get(CvmMetrics.POOL_FULL)).isEqualTo(1);
        assertThat(pool.map(127 * CvmConfig.SLOT_BYTES).slots()).as("the rest is still free").isEqualTo(127);
    }

    @Test
    void fragmentedFreeSlotsDoNotMakeARunAndTheMessageSaysHowManyAreUsed() {
        BouncePool pool = pool(64);
        List<BounceMapping> all = new ArrayList<>();
        for (int i = 0; i < 128; i++) {
            all.add(pool.map(1));
        }
        for (int i = 0; i < 128; i += 2) {
            pool.unmap(all.get(i));
        }

        assertThatThrownBy(() -> pool.map(2 * CvmConfig.SLOT_BYTES))
                .hasMessageContaining("bounce pool full: 4096 bytes, 64 of 128 slots used");
        assertThat(pool.map(1).slots()).isEqualTo(1);
    }

    @Test
    void everyUnmapGivesItsSlotsBackAndThePeakIsKept() {
        BouncePool pool = pool(64);
        BounceMapping a = pool.map(10 * CvmConfig.SLOT_BYTES);
        BounceMapping b = pool.map(20 * CvmConfig.SLOT_BYTES);
        pool.unmap(a);
        pool.unmap(b);

        assertThat(pool.slotsInUse()).isZero();
        assertThat(metrics.current(CvmMetrics.POOL_SLOTS)).isZero();
        assertThat(metrics.peak(CvmMetrics.POOL_SLOTS)).isEqualTo(30);
        assertThat(pool.map(128 * CvmConfig.SLOT_BYTES).firstSlot()).isZero();
    }

    @Test
    void aDoubleUnmapIsRefusedAndChangesNothing() {
        BouncePool pool = pool(64);
        BounceMapping a = pool.map(1);
        BounceMapping b = pool.map(1);
        pool.unmap(a);

        assertThatThrownBy(() -> pool.unmap(a)).isInstanceOf(IllegalStateException.class);
        assertThat(pool.slotsInUse()).isEqualTo(1);
        pool.unmap(b);
        assertThat(pool.slotsInUse()).isZero();
    }

    @Test
    void anEmptyMappingIsAProgrammingError() {
        assertThatThrownBy(() -> pool(64).map(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
