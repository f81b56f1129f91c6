package org.xencommlab.hypervisor.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** A random sequence of writes, reads, zeroes and frees on the lazy store equals a plain byte[] model. */
final class FrameStoreProperties {
    private static final int FRAMES = 6;
    private static final int BYTES = 64;

    enum Kind { WRITE, WRITE_LONG, READ, ZERO, ZERO_ALL, DISCARD }

    record Op(Kind kind, int frame, int offset, int length, byte value) {}

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Op> op = Combinators.combine(Arbitraries.of(Kind.class), Arbitraries.integers().between(0, FRAMES - 1),
                Arbitraries.integers().between(0, BYTES - 1), Arbitraries.integers().between(0, BYTES),
                Arbitraries.of((byte) 0, (byte) 0, (byte) 1, (byte) -7, (byte) 42))
                .as(Op::new);
        return op.list().ofMaxSize(60);
    }

    @Property(tries = 300)
    void storeEqualsAPlainArray(@ForAll("ops") List<Op> ops) {
        FrameStore store = new FrameStore(FRAMES, BYTES);
        byte[] model = new byte[FRAMES * BYTES];
        for (Op op : ops) {
            int base = op.frame() * BYTES;
            int length = Math.min(op.length(), BYTES - op.offset());
            switch (op.kind()) {
                case WRITE -> {
                    byte[] src = new byte[length];
                    for (int i = 0; i < length; i++) {
                        src[i] = (byte) (op.value() == 0 ? 0 : op.value() + i);
                    }
                    store.write(op.frame(), op.offset(), src, 0, length);
                    System.arraycopy(src, 0, model, base + op.offset(), length);
                }
                case WRITE_LONG -> {
                    int offset = op.offset() & ~7;
                    long value = op.value() * 0x0101010101L;
                    store.writeLong(op.frame(), offset, value, ByteOrder.LITTLE_ENDIAN);
                    for (int i = 0; i < 8; i++) {
                        model[base + offset + i] = (byte) (value >>> (8 * i));
                    }
                }
                case READ -> {
                    byte[] got = new byte[length];
                    store.read(op.frame(), op.offset(), got, 0, length);
                    assertThat(got).isEqualTo(Arrays.copyOfRange(model, base + op.offset(), base + op.offset() + length));
                }
                case ZERO -> {
                    store.zero(op.frame(), op.offset(), length);
                    Arrays.fill(model, base + op.offset(), base + op.offset() + length, (byte) 0);
                }
                case ZERO_ALL -> {
                    store.zero(op.frame(), 0, BYTES);
                    Arrays.fill(model, base, base + BYTES, (byte) 0);
                }
                case DISCARD -> {
                    store.discard(op.frame());
                    Arrays.fill(model, base, base + BYTES, (byte) 0);
                }
            }
        }
        long backed = 0;
        for (int frame = 0; frame < FRAMES; frame++) {
            byte[] got = new byte[BYTES];
            store.read(frame, 0, got, 0, BYTES);
            assertThat(got).isEqualTo(Arrays.copyOfRange(model, frame * BYTES, (frame + 1) * BYTES));
            boolean nonZero = false;
            for (byte b : got) {
                nonZero |= b != 0;
            }
            if (nonZero) {
                assertThat(store.isBacked(frame)).as("a frame holding a non-zero byte has its array").isTrue();
            }
            backed += store.isBacked(frame) ? 1 : 0;
        }
        assertThat(store.backedFrames()).isEqualTo(backed);
    }
}
