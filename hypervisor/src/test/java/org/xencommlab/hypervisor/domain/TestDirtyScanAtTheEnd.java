package org.xencommlab.hypervisor.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The dirty-log scan at the end of the guest-physical space: the last frame is found, and a scan
 * from the end (or past it) finds nothing, also when the space fills its last chunk exactly.
 */
final class TestDirtyScanAtTheEnd {
    @Test
    void aScanFromTheEndOfAWholeChunkSpaceFindsNothing() {
        DirtyLog log = new DirtyLog(8192);
        log.mark(8191);
        assertThat(log.nextDirty(0)).isEqualTo(8191);
        assertThat(log.nextDirty(8191)).isEqualTo(8191);
        assertThat(log.nextDirty(8192)).isEqualTo(-1);
        assertThat(log.nextDirty(1L << 40)).isEqualTo(-1);
    }

    @Test
    void aScanOfAPartialLastChunkStopsAtTheSpacesEnd() {
        DirtyLog log = new DirtyLog(5000);
        log.mark(4999);
        log.mark(4096);
        assertThat(log.nextDirty(4097)).isEqualTo(4999);
        assertThat(log.nextDirty(5000)).isEqualTo(-1);
        assertThat(log.dirtyPages()).isEqualTo(2);
    }
}
