package org.xencommlab.hypervisor.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The console's byte ring: what it keeps, in which order, when it drops the oldest bytes, and how
 * bytes put back land in front. Every test reads the whole ring back, so an off-by-one in the
 * wrap-around shows as wrong bytes, not only as a wrong size.
 */
final class TestByteRing {

    private static byte[] seq(int from, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (from + i);
        }
        return bytes;
    }

    @Test
    void keepsBytesInOrderUpToItsCapacity() {
        ConsoleLog.ByteRing ring = new ConsoleLog.ByteRing(8);
        ring.append(seq(1, 3), 0, 3);
        ring.append(seq(4, 5), 0, 5);
        assertThat(ring.size()).isEqualTo(8);
        assertThat(ring.snapshot()).containsExactly(seq(1, 8));
    }

    @Test
    void dropsTheOldestBytesWhenAnAppendOverflows() {
        ConsoleLog.ByteRing ring = new ConsoleLog.ByteRing(8);
        ring.append(seq(1, 6), 0, 6);
        ring.append(seq(7, 4), 0, 4);
        assertThat(ring.size()).isEqualTo(8);
        assertThat(ring.snapshot()).containsExactly(seq(3, 8));
        ring.append(seq(11, 7), 0, 7);
        assertThat(ring.snapshot()).containsExactly(seq(10, 8));
    }

    @Test
    void anAppendOfExactlyTheCapacityReplacesEverything() {
        ConsoleLog.ByteRing ring = new ConsoleLog.ByteRing(4);
        ring.append(seq(1, 3), 0, 3);
        ring.append(seq(20, 4), 0, 4);
        assertThat(ring.size()).isEqualTo(4);
        assertThat(ring.snapshot()).containsExactly(seq(20, 4));
    }

    @Test
    void anAppendLargerThanTheCapacityKeepsItsNewestBytes() {
        ConsoleLog.ByteRing ring = new ConsoleLog.ByteRing(4);
        ring.append(seq(1, 2), 0, 2);
        ring.append(seq(10, 10), 0, 10);
        assertThat(ring.snapshot()).containsExactly(seq(16, 4));
        // and the ring goes on from there
        ring.append(seq(30, 1), 0, 1);
        assertThat(ring.snapshot()).containsExactly(17, 18, 19, 30);
    }

    @Test
    void appendHonoursTheSourceOffset() {
        ConsoleLog.ByteRing ring = new ConsoleLog.ByteRing(16);
        ring.append(seq(0, 10), 3, 4);
        assertThat(ring.snapshot()).containsExactly(3, 4, 5, 6);
        ConsoleLog.ByteRing small = new ConsoleLog.ByteRing(3);
        small.append(seq(0, 10), 2, 6);
        assertThat(small.snapshot()).as("the newest 3 of bytes 2..7").containsExactly(5, 6, 7);
    }

    @Test
    void aZeroCapacityRingKeepsNothing() {
        ConsoleLog.ByteRing ring = new ConsoleLog.ByteRing(0);
        ring.append(seq(1, 5), 0, 5);
        assertThat(ring.size()).isZero();
        assertThat(ring.snapshot()).isEmpty();
        assertThat(ring.take(new byte[5], 5)).isZero();
    }

    @Test
    void anEmptyAppendChangesNothing() {
        ConsoleLog.ByteRing ring = new ConsoleLog.ByteRing(4);
        ring.append(seq(1, 4), 0, 0);
        assertThat(ring.size()).isZero();
        ring.append(seq(1, 2), 0, 2);
        ring.append(seq(9, 4), 0, 0);
        assertThat(ring.snapshot()).containsExactly(1, 2);
    }

    @Test
    void takeReturnsTheOldestBytesAndRemovesThem() {
        ConsoleLog.ByteRing ring = new ConsoleLog.ByteRing(100);
        ring.append(seq(1, 5), 0, 5);
        byte[] dst = new byte[3];
        assertThat(ring.take(dst, 3)).isEqualTo(3);
        assertThat(dst).containsExactly(1, 2, 3);
        assertThat(ring.size()).isEqualTo(2);
        byte[] rest = new byte[10];
        assertThat(ring.take(rest, 10)).as("no more than it holds").isEqualTo(2);
        assertThat(rest[0]).isEqualTo((byte) 4);
        assertThat(rest[1]).isEqualTo((byte) 5);
        assertThat(rest[2]).as("nothing written past what was taken").isZero();
        assertThat(ring.size()).isZero();
        assertThat(ring.take(rest, 10)).isZero();
    }

    @Test
    void takeOfANegativeOrZeroMaximumTakesNothing() {
        ConsoleLog.ByteRing ring = new ConsoleLog.ByteRing(100);
        ring.append(seq(1, 5), 0, 5);
        assertThat(ring.take(new byte[5], -1)).isZero();
        assertThat(ring.take(new byte[5], 0)).isZero();
        assertThat(ring.snapshot()).containsExactly(seq(1, 5));
    }

    @Test
    void takeFromANeverUsedRingTakesNothing() {
        ConsoleLog.ByteRing ring = new ConsoleLog.ByteRing(100);
        assertThat(ring.take(new byte[4], 4)).isZero();
        ring.append(seq(7, 2), 0, 2);
        assertThat(ring.snapshot()).containsExactly(7, 8);
    }

    @Test
    void prependPutsBytesBackInFrontInTheirOrder() {
        ConsoleLog.ByteRing ring = new ConsoleLog.ByteRing(100);
        ring.append(seq(1, 6), 0, 6);
        byte[] taken = new byte[4];
        ring.take(taken, 4);
        ring.prepend(taken, 4);
        assertThat(ring.snapshot()).containsExactly(seq(1, 6));
    }

    @Test
    void prependOfOnlyPartOfTheSourcePutsBackItsFirstBytes() {
        ConsoleLog.ByteRing ring = new ConsoleLog.ByteRing(100);
        ring.append(seq(10, 2), 0, 2);
        ring.prepend(seq(1, 5), 3);
        assertThat(ring.snapshot()).containsExactly(1, 2, 3, 10, 11);
    }

    @Test
    void prependIntoAnEmptyRingWrapsAroundTheStartOfTheBuffer() {
        ConsoleLog.ByteRing ring = new ConsoleLog.ByteRing(1000);
        ring.prepend(seq(1, 3), 3);
        assertThat(ring.snapshot()).containsExactly(1, 2, 3);
        ring.prepend(seq(50, 2), 2);
        assertThat(ring.snapshot()).containsExactly(50, 51, 1, 2, 3);
        ring.append(seq(9, 1), 0, 1);
        assertThat(ring.snapshot()).containsExactly(50, 51, 1, 2, 3, 9);
    }

    @Test
    void prependIntoAFullRingKeepsTheNewestOfWhatIsPutBack() {
        ConsoleLog.ByteRing ring = new ConsoleLog.ByteRing(4);
        ring.append(seq(1, 2), 0, 2);
        ring.prepend(seq(10, 5), 5);
        assertThat(ring.size()).isEqualTo(4);
        assertThat(ring.snapshot()).containsExactly(13, 14, 1, 2);
        ring.prepend(seq(20, 2), 2);
        assertThat(ring.snapshot()).as("a full ring takes nothing back").containsExactly(13, 14, 1, 2);
    }

    @Test
    void prependOfNothingChangesNothing() {
        ConsoleLog.ByteRing ring = new ConsoleLog.ByteRing(8);
        ring.append(seq(1, 2), 0, 2);
        ring.prepend(seq(5, 2), 0);
        ring.prepend(seq(5, 2), -1);
        assertThat(ring.snapshot()).containsExactly(1, 2);
    }

    @Test
    void aRingGrowsPastItsFirstBufferWithoutLosingWrappedBytes() {
        ConsoleLog.ByteRing ring = new ConsoleLog.ByteRing(1000);
        ring.append(seq(0, 60), 0, 60);
        ring.take(new byte[50], 50);
        ring.append(seq(60, 30), 0, 30); // wraps inside the first 64-byte buffer
        ring.append(seq(90, 100), 0, 100); // grows it
        byte[] expected = seq(50, 140);
        assertThat(ring.snapshot()).containsExactly(expected);
    }

    @Test
    void aSmallCapacityBoundsTheBufferItGrows() {
        ConsoleLog.ByteRing ring = new ConsoleLog.ByteRing(5);
        ring.append(seq(1, 3), 0, 3);
        ring.append(seq(4, 3), 0, 3);
        assertThat(ring.snapshot()).containsExactly(2, 3, 4, 5, 6);
    }

    /** One operation on the ring and on a plain deque that models it. */
    record Op(int kind, int length, int seed) {}

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Op> op = net.jqwik.api.Combinators.combine(
                        Arbitraries.integers().between(0, 2),
                        Arbitraries.integers().between(0, 150),
                        Arbitraries.integers().between(0, 255))
                .as(Op::new);
        return op.list().ofMaxSize(40);
    }

    @Property(tries = 300)
    void behavesAsABoundedDequeThatDropsItsOldestBytes(
            @ForAll @IntRange(min = 1, max = 130) int capacity, @ForAll("ops") List<Op> ops) {
        ConsoleLog.ByteRing ring = new ConsoleLog.ByteRing(capacity);
        Deque<Byte> model = new ArrayDeque<>();
        for (Op op : ops) {
            byte[] bytes = seq(op.seed(), op.length());
            switch (op.kind()) {
                case 0 -> {
                    ring.append(bytes, 0, bytes.length);
                    for (byte b : bytes) {
                        model.addLast(b);
                        if (model.size() > capacity) {
                            model.removeFirst();
                        }
                    }
                }
                case 1 -> {
                    byte[] dst = new byte[op.length()];
                    int n = ring.take(dst, op.length());
                    assertThat(n).isEqualTo(Math.min(op.length(), model.size()));
                    for (int i = 0; i < n; i++) {
                        assertThat(dst[i]).isEqualTo(model.removeFirst());
                    }
                }
                default -> {
                    ring.prepend(bytes, bytes.length);
                    int room = Math.min(bytes.length, capacity - model.size());
                    for (int i = bytes.length - 1; i >= bytes.length - room; i--) {
                        model.addFirst(bytes[i]);
                    }
                }
            }
            assertThat(ring.size()).isEqualTo(model.size());
            byte[] expected = new byte[model.size()];
            int i = 0;
            for (byte b : model) {
                expected[i++] = b;
            }
            assertThat(ring.snapshot()).containsExactly(expected);
        }
    }
}
