package org.xencommlab.hypervisor.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.hypervisor.HypervisorConfig;

/**
 * The audit's frame inspector at its bounds: a run may end on the machine's last frame but not
 * go past it, an empty or negative run is no run, and every read is refused outside
 * {@link MachineMemory#inspect}.
 */
final class TestFrameInspectorBounds {
    private static final int FRAMES = 64;

    private final MachineMemory machine =
            new MachineMemory(PageSize.SIZE_4K, HypervisorConfig.defaults().withMachineMemoryBytes(FRAMES * 4096L));

    @Test
    void aRunMayEndOnTheLastFrameButNotPastIt() {
        assertThat(machine.allocate(1, FRAMES)).hasSize(FRAMES);
        assertThat(machine.get(FRAMES - 1, 1)).isTrue();
        machine.inspect(frames -> {
            assertThat(frames.pinnedIfAllHeldBy(1, FRAMES - 4, 4)).as("ends on the last frame").isEqualTo(1);
            assertThat(frames.pinnedIfAllHeldBy(1, 0, FRAMES)).as("the whole machine").isEqualTo(1);
            assertThat(frames.pinnedIfAllHeldBy(1, FRAMES - 1, 1)).as("one frame, the last").isEqualTo(1);
            assertThat(frames.pinnedIfAllHeldBy(1, 0, 1)).as("one frame, unpinned").isZero();
            assertThat(frames.pinnedIfAllHeldBy(1, FRAMES - 3, 4)).as("one frame past the end").isEqualTo(-1);
            assertThat(frames.pinnedIfAllHeldBy(1, 0, FRAMES + 1)).isEqualTo(-1);
            assertThat(frames.pinnedIfAllHeldBy(1, 5, 0)).as("an empty run").isEqualTo(-1);
            assertThat(frames.pinnedIfAllHeldBy(1, 5, -1)).isEqualTo(-1);
            assertThat(frames.pinnedIfAllHeldBy(1, -1, 2)).isEqualTo(-1);
            assertThat(frames.pinnedIfAllHeldBy(2, 0, 1)).as("another domain's frames").isEqualTo(-1);
        });
    }

    @Test
    void everyReadIsRefusedOutsideInspect() {
        AtomicReference<MachineMemory.FrameInspector> kept = new AtomicReference<>();
        machine.inspect(kept::set);
        MachineMemory.FrameInspector frames = kept.get();
        assertThatThrownBy(() -> frames.owner(0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> frames.refCount(0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> frames.pinnedIfAllHeldBy(1, 0, 1)).isInstanceOf(IllegalStateException.class);
    }
}
