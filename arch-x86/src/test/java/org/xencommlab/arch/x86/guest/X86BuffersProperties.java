package org.xencommlab.arch.x86.guest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;
import org.xencommlab.api.memory.PageSize;
import org.xencommlab.api.xencomm.BufferSlice;
import org.xencommlab.api.xencomm.HypercallBuffer;
import org.xencommlab.api.xencomm.HypercallBufferApi;
import org.xencommlab.arch.x86.testing.TestingDomain;
import org.xencommlab.arch.x86.testing.TestingUserProcessServices;

/**
 * For any buffer placement and any schedule of frees, evictions, migrations and hypercalls: what
 * the hypervisor reads is what the tool wrote, or the copy faults (and the handler returns
 * -EFAULT); a faulting write leaves exactly the bytes before the fault; never silent corruption.
 * Page-aligned mlocked buffers fault only while compaction moves one of their pages; device
 * buffers never fault.
 */
final class X86BuffersProperties {
    private static final PageSize PAGE = PageSize.SIZE_4K;

    enum Mode { ALIGNED, PACKED, DEVICE }

    /** A live slice and what its bytes should be. */
    private record Piece(HypercallBuffer buffer, BufferSlice slice, byte[] expected) {}

    @Property(tries = 120)
    void readsEqualWritesOrFault(@ForAll Mode mode, @ForAll long seed, @ForAll @IntRange(min = 10, max = 80) int steps) {
        Random random = new Random(seed);
        TestingDomain domain = new TestingDomain(2048);
        TestingUserProcessServices process = domain.process(1024);
        HypercallBufferApi api = switch (mode) {
            case ALIGNED -> new MlockedBufferApi(process, X86BufferConfig.Alignment.PAGE);
            case PACKED -> new MlockedBufferApi(process, X86BufferConfig.Alignment.NONE);
            case DEVICE -> new PrivcmdBufFile(process, 64);
        };
        List<Piece> pieces = new ArrayList<>();
        List<HypercallBuffer> buffers = new ArrayList<>();
        int faults = 0;
        for (int step = 0; step < steps; step++) {
            int op = random.nextInt(8);
            if (op <= 1 || buffers.isEmpty()) {
                HypercallBuffer buffer = api.allocBuf(1 + random.nextInt(3));
                buffers.add(buffer);
                int slices = 1 + random.nextInt(4);
                for (int i = 0; i < slices && buffer.remaining() > 0; i++) {
                    int length = 1 + random.nextInt((int) Math.min(buffer.remaining(), 6000));
                    BufferSlice slice = buffer.allocMem(length);
                    byte[] bytes = randomBytes(random, length);
                    process.writeMemory(slice.userAddress(), bytes, 0, length);
                    pieces.add(new Piece(buffer, slice, bytes));
                }
            } else if (op == 2) {
                HypercallBuffer victim = buffers.remove(random.nextInt(buffers.size()));
                api.freeBuf(victim);
                pieces.removeIf(p -> p.buffer() == victim);
            } else if (op == 3) {
                process.evictUnlocked();
            } else if (op == 4 && !pieces.isEmpty()) {
                long address = pieces.get(random.nextInt(pieces.size())).slice().userAddress();
                if (random.nextBoolean() && process.isMigratable(address)) {
                    process.beginMigration(address);
                } else if (process.isMigrating(address)) {
                    process.finishMigration(address);
                }
            } else if (op == 5 && !pieces.isEmpty()) {
                Piece piece = pieces.get(random.nextInt(pieces.size()));
                byte[] seen = new byte[piece.expected().length];
                long notCopied = domain.bytesNotRead(process, piece.slice().reference(), seen);
                int copied = (int) (seen.length - notCopied);
                assertThat(Arrays.copyOf(seen, copied)).isEqualTo(Arrays.copyOf(piece.expected(), copied));
                if (notCopied != 0) {
                    faults++;
                    assertFaultAllowed(mode, process, piece.slice());
                }
            } else if (op == 6 && !pieces.isEmpty()) {
                Piece piece = pieces.get(random.nextInt(pieces.size()));
                byte[] fresh = randomBytes(random, piece.expected().length);
                long notCopied = domain.bytesNotWritten(process, piece.slice().reference(), fresh);
                int copied = (int) (fresh.length - notCopied);
                System.arraycopy(fresh, 0, piece.expected(), 0, copied);
                if (notCopied != 0) {
                    faults++;
                    assertFaultAllowed(mode, process, piece.slice());
                }
            } else if (!pieces.isEmpty()) {
                Piece piece = pieces.get(random.nextInt(pieces.size()));
                byte[] toolView = new byte[piece.expected().length];
                process.readMemory(piece.slice().userAddress(), toolView, 0, toolView.length);
                assertThat(toolView).isEqualTo(piece.expected());
            }
        }
        for (Piece piece : pieces) {
            byte[] toolView = new byte[piece.expected().length];
            process.readMemory(piece.slice().userAddress(), toolView, 0, toolView.length);
            assertThat(toolView).isEqualTo(piece.expected());
        }
        if (mode == Mode.DEVICE) {
            assertThat(faults).isZero();
        }
        Statistics.label("faulted").collect(mode, faults > 0);
        process.exit();
        assertThat(process.lockedPages()).isZero();
    }

    private static void assertFaultAllowed(Mode mode, TestingUserProcessServices process, BufferSlice slice) {
        switch (mode) {
            case DEVICE -> throw new AssertionError("a device buffer faulted: " + slice);
            case ALIGNED -> {
                boolean moving = false;
                for (long page = PAGE.roundDown(slice.userAddress()); page < slice.userAddress() + slice.length(); page += 4096) {
                    moving |= process.isMigrating(page);
                }
                assertThat(moving).as("an aligned, locked buffer faults only while compaction moves it").isTrue();
            }
            case PACKED -> { }
        }
    }

    private static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }
}
