package org.xencommlab.hypervisor.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The p2m stays compact (a chunk as three ints) while its entries are one linear run, and becomes
 * an explicit array only when an entry breaks the pattern; every entry reads back either way.
 */
final class TestP2mCompactness {
    private final P2m p2m = new P2m(4096);

    @Test
    void aRunMappedToTheSameNumbersStaysLinear() {
        p2m.set(5, 5);
        p2m.set(6, 6);
        assertThat(p2m.explicitChunks()).as("base 0 is a linear chunk").isZero();
        assertThat(p2m.get(5)).isEqualTo(5);
        assertThat(p2m.get(6)).isEqualTo(6);
        assertThat(p2m.get(4)).isEqualTo(P2m.INVALID);
        assertThat(p2m.get(7)).isEqualTo(P2m.INVALID);
    }

    @Test
    void anEntryBelowItsOwnIndexIsExplicit() {
        p2m.set(1024 + 5, 3);
        assertThat(p2m.explicitChunks()).as("base would be negative").isEqualTo(1);
        assertThat(p2m.get(1024 + 5)).isEqualTo(3);
        assertThat(p2m.get(1024 + 4)).isEqualTo(P2m.INVALID);
    }

    @Test
    void aRunGrowsAtEitherEndAndMaySetAnEntryAgain() {
        p2m.set(5, 100);
        p2m.set(6, 101);
        p2m.set(4, 99);
        p2m.set(4, 99);
        p2m.set(5, 100);
        p2m.set(6, 101);
        assertThat(p2m.explicitChunks()).isZero();
        assertThat(p2m.get(3)).isEqualTo(P2m.INVALID);
        assertThat(p2m.get(4)).isEqualTo(99);
        assertThat(p2m.get(6)).isEqualTo(101);
        assertThat(p2m.get(7)).isEqualTo(P2m.INVALID);

        p2m.set(8, 104);
        assertThat(p2m.explicitChunks()).as("a gap breaks the run").isEqualTo(1);
        assertThat(p2m.get(7)).isEqualTo(P2m.INVALID);
        assertThat(p2m.get(8)).isEqualTo(104);
        assertThat(p2m.get(4)).isEqualTo(99);
    }

    @Test
    void anEntryOnTheRunsLineButNotNextToItIsKept() {
        p2m.set(5, 100);
        p2m.set(6, 101);
        p2m.set(9, 104);
        p2m.set(2, 97);
        assertThat(p2m.get(9)).as("on the line, a gap above").isEqualTo(104);
        assertThat(p2m.get(2)).as("on the line, a gap below").isEqualTo(97);
        assertThat(p2m.get(3)).isEqualTo(P2m.INVALID);
        assertThat(p2m.get(8)).isEqualTo(P2m.INVALID);
        assertThat(p2m.get(5)).isEqualTo(100);
        assertThat(p2m.explicitChunks()).isEqualTo(1);
    }

    @Test
    void anEntryOffTheRunsLineIsExplicit() {
        p2m.set(5, 100);
        p2m.set(6, 200);
        assertThat(p2m.explicitChunks()).isEqualTo(1);
        assertThat(p2m.get(5)).isEqualTo(100);
        assertThat(p2m.get(6)).isEqualTo(200);
    }

    @Test
    void clearingOutsideOrAtTheEndsOfARunKeepsItLinear() {
        for (int gfn = 10; gfn < 20; gfn++) {
            p2m.set(gfn, 500 + gfn);
        }
        p2m.clear(9);
        p2m.clear(20);
        assertThat(p2m.explicitChunks()).as("nothing to clear next to the run").isZero();
        assertThat(p2m.get(10)).isEqualTo(510);
        assertThat(p2m.get(19)).isEqualTo(519);

        p2m.clear(10);
        p2m.clear(19);
        assertThat(p2m.explicitChunks()).as("the run shrinks at either end").isZero();
        assertThat(p2m.get(10)).isEqualTo(P2m.INVALID);
        assertThat(p2m.get(11)).isEqualTo(511);
        assertThat(p2m.get(18)).isEqualTo(518);
        assertThat(p2m.get(19)).isEqualTo(P2m.INVALID);
        assertThat(p2m.get(20)).isEqualTo(P2m.INVALID);

        p2m.clear(14);
        assertThat(p2m.explicitChunks()).as("a hole in the middle").isEqualTo(1);
        assertThat(p2m.get(13)).isEqualTo(513);
        assertThat(p2m.get(14)).isEqualTo(P2m.INVALID);
        assertThat(p2m.get(15)).isEqualTo(515);
    }

    @Test
    void explicitChunksAreCountedOneByOne() {
        p2m.set(1, 7);
        p2m.set(2, 9);
        p2m.set(1024 + 1, 7);
        p2m.set(1024 + 2, 9);
        p2m.set(3 * 1024, 50);
        assertThat(p2m.explicitChunks()).isEqualTo(2);
    }
}
