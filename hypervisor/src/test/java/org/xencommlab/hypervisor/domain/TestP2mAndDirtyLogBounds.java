package org.xencommlab.hypervisor.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The p2m and the dirty log at the edges of their spaces and of their chunks. */
class TestP2mAndDirtyLogBounds {
    private static final int P2M_CHUNK = 1 << 10;
    private static final int LOG_CHUNK = 1 << 12;

    @Test
    void aP2mMayBeEmptyButNotNegative() {
        P2m empty = new P2m(0);
        assertThat(empty.frames()).isZero();
        assertThat(empty.contains(0, 0)).isTrue();
        assertThat(empty.nextUnpopulated(0)).isEqualTo(-1);
        assertThatThrownBy(() -> new P2m(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new P2m((long) (Integer.MAX_VALUE - 1) << 10)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void containsTakesRangesThatEndExactlyAtTheTop() {
        P2m p2m = new P2m(100);
        assertThat(p2m.contains(0, 100)).isTrue();
        assertThat(p2m.contains(100, 0)).isTrue();
        assertThat(p2m.contains(99, 1)).isTrue();
        assertThat(p2m.contains(0, 0)).isTrue();
        assertThat(p2m.contains(100, 1)).isFalse();
        assertThat(p2m.contains(101, 0)).isFalse();
        assertThat(p2m.contains(0, 101)).isFalse();
        assertThat(p2m.contains(-1, 1)).isFalse();
        assertThat(p2m.contains(1, -1)).isFalse();
        assertThat(p2m.contains(1, Long.MAX_VALUE)).isFalse();
    }

    @Test
    void entriesOutsideTheSpaceAreInvalidAndAFullSpaceHasNoUnpopulatedFrame() {
        P2m p2m = new P2m(P2M_CHUNK);
        for (long gfn = 0; gfn < P2M_CHUNK; gfn++) {
            p2m.set(gfn, (int) gfn + 1);
        }
        assertThat(p2m.get(P2M_CHUNK - 1)).isEqualTo(P2M_CHUNK);
        assertThat(p2m.get(P2M_CHUNK)).isEqualTo(P2m.INVALID);
        assertThat(p2m.get(-1)).isEqualTo(P2m.INVALID);
        assertThat(p2m.nextUnpopulated(0)).isEqualTo(-1);
        p2m.clear(5);
        assertThat(p2m.nextUnpopulated(0)).isEqualTo(5);
        assertThat(p2m.nextUnpopulated(6)).isEqualTo(-1);
        assertThat(p2m.nextUnpopulated(-3)).isEqualTo(5);
    }

    @Test
    void visitsPopulatedEntriesOfLaterChunksAtTheirOwnFrameNumbers() {
        P2m p2m = new P2m(3L * P2M_CHUNK);
        p2m.set(2L * P2M_CHUNK + 7, 42);
        p2m.set(3, 9);
        List<long[]> seen = new ArrayList<>();
        p2m.forEachPopulated((gfn, mfn) -> seen.add(new long[] {gfn, mfn}));
        assertThat(seen).containsExactly(new long[] {3, 9}, new long[] {2L * P2M_CHUNK + 7, 42});
        assertThat(p2m.nextUnpopulated(2L * P2M_CHUNK + 7)).isEqualTo(2L * P2M_CHUNK + 8);
    }

    @Test
    void theDirtyLogRefusesNothingOutsideItsSpaceAndCountsAPageOnce() {
        DirtyLog log = new DirtyLog(LOG_CHUNK);
        assertThat(log.isDirty(LOG_CHUNK)).isFalse();
        assertThat(log.isDirty(-1)).isFalse();
        log.mark(LOG_CHUNK - 1);
        log.mark(LOG_CHUNK - 1);
        assertThat(log.isDirty(LOG_CHUNK - 1)).isTrue();
        assertThat(log.isDirty(LOG_CHUNK - 2)).isFalse();
        assertThat(log.dirtyPages()).isEqualTo(1);
        log.clear(LOG_CHUNK - 1);
        log.clear(LOG_CHUNK - 1);
        assertThat(log.dirtyPages()).isZero();
        assertThat(log.isDirty(LOG_CHUNK - 1)).isFalse();
    }

    @Test
    void visitsDirtyPagesOfLaterWordsAndChunksAtTheirOwnFrameNumbers() {
        DirtyLog log = new DirtyLog(3L * LOG_CHUNK + 5);
        long[] pages = {0, 63, 64, 130, LOG_CHUNK + 65, 3L * LOG_CHUNK + 4};
        for (long gfn : pages) {
            log.mark(gfn);
        }
        List<Long> seen = new ArrayList<>();
        log.forEachDirty(seen::add);
        assertThat(seen).containsExactly(0L, 63L, 64L, 130L, LOG_CHUNK + 65L, 3L * LOG_CHUNK + 4);
        assertThat(log.dirtyPages()).isEqualTo(pages.length);
        assertThat(log.clean()).isEqualTo(pages.length);
        assertThat(log.dirtyPages()).isZero();
    }
}
